"""The estimator contract and the registry, checked on small test-only methods."""

import json
import zipfile

import numpy as np
import pytest

from hashmodal._validation import NotFittedError
from hashmodal.codes import BinaryCodes, from_bits
from hashmodal.methods import (
    BaseHasher,
    _base,
    available_methods,
    get_method,
    register_method,
)


class _Mean(BaseHasher):
    """Composite test method: bit j = x_j >= training mean of feature j."""

    name = "test-mean"
    family = "composite"
    requires_labels = False

    def __init__(self, n_bits=4, *, random_state=None, scale=1.0):
        self.n_bits = n_bits
        self.random_state = random_state
        self.scale = scale

    def _fit(self, views, labels):
        X = np.hstack([views[k] for k in self.view_names_])
        self.mean_ = X[:, : self.n_bits].mean(axis=0)
        self.per_view_ = {k: v.mean(axis=0) for k, v in views.items()}
        self.train_codes_ = from_bits((X[:, : self.n_bits] >= self.mean_) * 1)

    def _project(self, views):
        X = np.hstack([views[k] for k in self.view_names_])
        return self.scale * (X[:, : self.n_bits_] - self.mean_)


class _Supervised(_Mean):
    name = "test-supervised"
    requires_labels = True

    def _fit(self, views, labels):
        super()._fit(views, labels)
        self.labels_seen_ = labels


@pytest.fixture()
def registered():
    register_method(_Mean)
    register_method(_Supervised)
    yield
    _base._REGISTRY.pop("test-mean", None)
    _base._REGISTRY.pop("test-supervised", None)


@pytest.fixture()
def views():
    rng = np.random.default_rng(0)
    return {"a": rng.normal(size=(20, 3)), "b": rng.normal(size=(20, 2))}


def test_fit_sets_learned_attributes(views):
    model = _Mean(4).fit(views)
    assert model.view_names_ == ("a", "b")
    assert model.n_features_ == {"a": 3, "b": 2}
    assert model.n_bits_ == 4
    assert isinstance(model.train_codes_, BinaryCodes)
    assert model.encode(views) == model.train_codes_


def test_encode_before_fit_says_fit(views):
    with pytest.raises(NotFittedError, match="call fit"):
        _Mean().encode(views)


def test_encode_rejects_unknown_view_wrong_dims_and_wrong_set(views):
    model = _Mean(4).fit(views)
    with pytest.raises(ValueError, match=r"unknown view\(s\) \['c'\].*'a', 'b'"):
        model.encode({**views, "c": np.ones((20, 1))})
    with pytest.raises(ValueError, match=r"view 'a' has 4 features.*fitted with 3"):
        model.encode({"a": np.ones((2, 4)), "b": np.ones((2, 2))})
    with pytest.raises(ValueError, match="cannot encode from views"):
        model.encode({"a": views["a"]})
    assert model.can_encode(["b", "a"]) and not model.can_encode(["a"])


@pytest.mark.parametrize("bad", [0, -3])
def test_fit_rejects_small_n_bits(views, bad):
    with pytest.raises(ValueError, match="n_bits must be an integer >= 1"):
        _Mean(bad).fit(views)


@pytest.mark.parametrize("bad", [4.0, "4", True])
def test_fit_rejects_non_int_n_bits(views, bad):
    with pytest.raises(TypeError, match="n_bits"):
        _Mean(bad).fit(views)


def test_labels_required_validated_and_one_hot(views):
    with pytest.raises(ValueError, match=r"supervised.*labels"):
        _Supervised().fit(views)
    with pytest.raises(ValueError, match="labels have 3 rows but the views have 20"):
        _Supervised().fit(views, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="whole numbers"):
        _Supervised().fit(views, labels=np.full(20, 0.5))
    ids = np.array([3, 7] * 10)
    model = _Supervised().fit(views, labels=ids)
    expected = np.stack([ids == 3, ids == 7], axis=1).astype(float)
    np.testing.assert_array_equal(model.labels_seen_, expected)
    multi = np.eye(20)[:, :5]
    model = _Supervised().fit(views, labels=multi)
    np.testing.assert_array_equal(model.labels_seen_, multi)


def test_params_round_trip_and_errors():
    model = _Mean(8, scale=2.0)
    assert model.get_params() == {"n_bits": 8, "random_state": None, "scale": 2.0}
    clone = _Mean(**model.get_params())
    assert clone.get_params() == model.get_params()
    assert model.set_params(scale=3.0) is model and model.scale == 3.0
    with pytest.raises(ValueError, match="no parameter 'nope'"):
        model.set_params(nope=1)
    assert repr(model) == "_Mean(n_bits=8, random_state=None, scale=3.0)"


def test_refit_clears_previous_state(views):
    model = _Supervised().fit(views, labels=np.arange(20) % 2)
    assert hasattr(model, "labels_seen_")
    model.n_bits = 0
    with pytest.raises(ValueError):
        model.fit(views, labels=np.arange(20) % 2)
    # Invalid parameters are refused before the old fit is touched.
    assert model.encode(views).n_bits == 4


def test_failed_fit_leaves_model_unfitted(views):
    class Failing(_Mean):
        def _fit(self, views, labels):
            self.partial_ = 1
            raise RuntimeError("boom")

    model = Failing()
    with pytest.raises(RuntimeError, match="boom"):
        model.fit(views)
    assert not hasattr(model, "partial_") and not hasattr(model, "n_bits_")
    with pytest.raises(NotFittedError):
        model.encode(views)


def test_registry(registered):
    methods = available_methods()
    assert methods["test-mean"] is _Mean
    assert isinstance(get_method("TEST-MEAN", n_bits=3), _Mean)
    with pytest.raises(ValueError, match=r"unknown method 'nope'.*test-mean"):
        get_method("nope")
    with pytest.raises(TypeError, match="no parameter"):
        get_method("test-mean", bogus=1)

    class Other(_Mean):
        name = "test-mean"

    with pytest.raises(ValueError, match="already registered"):
        register_method(Other)

    class BadFamily(_Mean):
        name = "test-bad"
        family = "weird"

    with pytest.raises(ValueError, match="family must be one of"):
        register_method(BadFamily)

    class Kwargs(_Mean):
        name = "test-kwargs"

        def __init__(self, n_bits=4, **kw):
            self.n_bits = n_bits

    with pytest.raises(TypeError, match=r"\*\*kwargs"):
        register_method(Kwargs)
    with pytest.raises(TypeError, match="BaseHasher subclass"):
        register_method(int)


def test_save_load_round_trip_without_pickle(registered, views, tmp_path):
    model = _Mean(5, random_state=np.random.default_rng(1), scale=2.0).fit(views)
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["__meta__"]))
        assert set(data.files) == {
            "__meta__",
            "mean_",
            "train_codes_",
            "per_view_.0",
            "per_view_.1",
        }
    assert meta["format"] == "hashmodal-method" and meta["format_version"] == 1
    assert meta["class"] == "_Mean" and meta["name"] == "test-mean"
    assert meta["params"] == {"n_bits": 5, "random_state": None, "scale": 2.0}
    assert meta["codes"] == {"train_codes_": 5}

    loaded = BaseHasher.load(path)
    assert type(loaded) is _Mean
    assert loaded.view_names_ == ("a", "b")
    assert loaded.n_features_ == model.n_features_
    assert loaded.train_codes_ == model.train_codes_
    np.testing.assert_array_equal(loaded.per_view_["b"], model.per_view_["b"])
    assert loaded.encode(views) == model.encode(views)
    assert type(_Mean.load(path)) is _Mean


def test_load_refuses_other_class_newer_format_and_foreign_files(
    registered, views, tmp_path
):
    path = tmp_path / "m.npz"
    _Mean().fit(views).save(path)
    with pytest.raises(ValueError, match=r"holds a _Mean model.*not a _Supervised"):
        _Supervised.load(path)

    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["__meta__"]))
    meta["format_version"] = 99
    newer = tmp_path / "newer.npz"
    np.savez(newer, **{**arrays, "__meta__": np.array(json.dumps(meta))})
    with pytest.raises(ValueError, match=r"format version 99.*upgrade"):
        BaseHasher.load(newer)

    meta["format_version"] = 1
    meta["name"] = "not-a-method"
    unknown = tmp_path / "unknown.npz"
    np.savez(unknown, **{**arrays, "__meta__": np.array(json.dumps(meta))})
    with pytest.raises(ValueError, match="not registered"):
        BaseHasher.load(unknown)

    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a hashmodal model file"):
        BaseHasher.load(text)
    plain = tmp_path / "plain.npz"
    np.savez(plain, x=np.ones(3))
    with pytest.raises(ValueError, match="not a hashmodal model file"):
        BaseHasher.load(plain)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, __meta__=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="not a hashmodal model file"):
        BaseHasher.load(pickled)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match="not a hashmodal model file"):
        BaseHasher.load(broken)
    assert zipfile.is_zipfile(path)


def test_save_before_fit_and_unsavable_param(registered, views, tmp_path):
    with pytest.raises(NotFittedError):
        _Mean().save(tmp_path / "x.npz")
    with pytest.raises(TypeError, match="parameter scale"):
        _Mean(scale=object()).fit(views).save(tmp_path / "x.npz")


def test_cross_modal_family_defaults(views):
    class Cross(_Mean):
        name = "test-cross"
        family = "cross-modal"

        def _project(self, views):
            (X,) = views.values()
            return X[:, :1] - X[:, :1].mean() * 0 + np.zeros((len(X), self.n_bits))

    model = Cross(3).fit(views)
    assert model.encodable_views() == [("a",), ("b",)]
    assert model.can_encode(["b"]) and not model.can_encode(["a", "b"])
    assert model.encode({"b": views["b"]}).shape == (20, 3)
    with pytest.raises(ValueError, match="at least 2 views"):
        Cross(3).fit({"a": views["a"]})
