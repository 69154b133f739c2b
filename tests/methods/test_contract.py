"""The contract every registered method passes (cross-modal ones join by registering).

Methods are fitted on small synthetic two-view data with class structure
(``tests/methods/_method_data.py``); supervised methods get labels.
"""

import json

import numpy as np
import pytest
from _method_data import fit_data_for

from hashmodal._validation import NotFittedError
from hashmodal.codes import BinaryCodes
from hashmodal.methods import BaseHasher, available_methods, get_method

METHODS = sorted(available_methods())

#: Methods whose codes do not depend on random_state (eigen-solutions).
#: A method listed here must give identical codes for different seeds.
DETERMINISTIC = {"pcah", "sh", "cvh"}


def _fitted(name, n_bits=13, seed=0, n_samples=120):
    cls = available_methods()[name]
    views, labels = fit_data_for(cls, n_samples=n_samples)
    model = get_method(name, n_bits=n_bits, random_state=seed).fit(views, labels)
    return model, views, labels


def _encode_groups(model, views):
    """One encode input per accepted view set."""
    groups = model.encodable_views()
    assert groups, "encodable_views() must list at least one view set"
    return [{name: views[name] for name in group} for group in groups]


def test_registry_lists_single_view_methods():
    assert {"lsh", "pcah", "itq", "sh", "sklsh"} <= set(METHODS)


@pytest.mark.parametrize("name", METHODS)
def test_class_attributes(name):
    cls = available_methods()[name]
    assert cls.name == name
    assert cls.family in ("single-view", "cross-modal", "composite", "recommendation")
    assert isinstance(cls.requires_labels, bool)
    params = cls().get_params()
    assert params["n_bits"] == 32 and "random_state" in params
    assert cls.__doc__ and "Examples" in cls.__doc__


@pytest.mark.parametrize("n_bits", [8, 13, 32])
@pytest.mark.parametrize("name", METHODS)
def test_shapes_dtype_and_attributes(name, n_bits):
    model, views, _ = _fitted(name, n_bits=n_bits)
    assert model.n_bits_ == n_bits
    assert set(model.view_names_) == set(views)
    assert model.n_features_ == {k: v.shape[1] for k, v in views.items()}
    for group in _encode_groups(model, views):
        assert model.can_encode(group)
        codes = model.encode(group)
        assert isinstance(codes, BinaryCodes)
        assert codes.n_bits == n_bits
        assert codes.packed.shape == (120, (n_bits + 7) // 8)
        assert codes.packed.dtype == np.uint8
    if model.train_codes_ is not None:
        assert isinstance(model.train_codes_, BinaryCodes)
        assert model.train_codes_.shape == (120, n_bits)


@pytest.mark.parametrize("name", METHODS)
def test_codes_are_not_constant(name):
    model, views, _ = _fitted(name, n_bits=16)
    for group in _encode_groups(model, views):
        bits = model.encode(group).to_bits()
        assert len(np.unique(bits, axis=0)) > 1, "every item got the same code"


@pytest.mark.parametrize("name", METHODS)
def test_determinism_under_random_state(name):
    a, views, _ = _fitted(name, seed=3)
    b, _, _ = _fitted(name, seed=3)
    c, _, _ = _fitted(name, seed=4)
    for group in _encode_groups(a, views):
        assert a.encode(group) == b.encode(group)
        if name in DETERMINISTIC:
            assert a.encode(group) == c.encode(group)
        else:
            assert a.encode(group) != c.encode(group)


@pytest.mark.parametrize("name", METHODS)
def test_batch_independence(name):
    model, views, _ = _fitted(name)
    for group in _encode_groups(model, views):
        batch = model.encode(group)
        for i in (0, 7, 119):
            alone = model.encode({k: v[i : i + 1] for k, v in group.items()})
            assert alone == batch[i]
        half = model.encode({k: v[:60] for k, v in group.items()})
        assert half == batch[:60]


@pytest.mark.parametrize("name", METHODS)
def test_save_load_round_trip(name, tmp_path):
    model, views, _ = _fitted(name)
    path = tmp_path / f"{name}.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["__meta__"]))
    assert meta["name"] == name
    loaded = BaseHasher.load(path)
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    assert loaded.view_names_ == model.view_names_
    for group in _encode_groups(model, views):
        assert loaded.encode(group) == model.encode(group)
    if model.train_codes_ is None:
        assert loaded.train_codes_ is None
    else:
        assert loaded.train_codes_ == model.train_codes_
    assert type(type(model).load(path)) is type(model)


@pytest.mark.parametrize("name", METHODS)
def test_encode_before_fit(name):
    cls = available_methods()[name]
    views, _ = fit_data_for(cls)
    with pytest.raises(NotFittedError, match="fit"):
        cls().encode(views)


@pytest.mark.parametrize("name", METHODS)
def test_unknown_view_and_wrong_dimension(name):
    model, views, _ = _fitted(name)
    group = _encode_groups(model, views)[0]
    with pytest.raises(ValueError, match=r"unknown view.*'nope'"):
        model.encode({**group, "nope": np.ones((120, 3))})
    key = next(iter(group))
    wrong = {**group, key: np.ones((120, group[key].shape[1] + 1))}
    with pytest.raises(ValueError, match=f"view '{key}' has"):
        model.encode(wrong)


@pytest.mark.parametrize("name", METHODS)
def test_missing_labels(name):
    cls = available_methods()[name]
    views, labels = fit_data_for(cls)
    if cls.requires_labels:
        with pytest.raises(ValueError, match="labels"):
            cls(8).fit(views)
        with pytest.raises(ValueError, match="rows"):
            cls(8).fit(views, labels[:-1])
    else:
        # Unsupervised methods accept and ignore labels.
        with_labels = cls(8, random_state=0).fit(views, np.arange(120) % 5)
        without = cls(8, random_state=0).fit(views)
        for group in _encode_groups(without, views):
            assert with_labels.encode(group) == without.encode(group)


@pytest.mark.parametrize("bad", [0, -1])
@pytest.mark.parametrize("name", METHODS)
def test_n_bits_below_one(name, bad):
    cls = available_methods()[name]
    views, labels = fit_data_for(cls)
    with pytest.raises(ValueError, match="n_bits"):
        cls(bad).fit(views, labels)


@pytest.mark.parametrize("bad", [8.0, "8", None])
@pytest.mark.parametrize("name", METHODS)
def test_n_bits_not_int(name, bad):
    cls = available_methods()[name]
    views, labels = fit_data_for(cls)
    with pytest.raises(TypeError, match="n_bits"):
        cls(bad).fit(views, labels)


@pytest.mark.parametrize("name", METHODS)
def test_get_set_params_round_trip(name):
    cls = available_methods()[name]
    model = cls(16, random_state=5)
    params = model.get_params()
    clone = cls(**params)
    assert clone.get_params() == params
    other = cls().set_params(**params)
    assert other.get_params() == params
    with pytest.raises(ValueError, match="no parameter"):
        model.set_params(not_a_parameter=1)
