"""BaseDeepHasher, checked on small test-only PyTorch methods.

The methods below are fixtures of this file, not part of hashmodal: they are
registered only while a test that needs the registry runs.
"""

import inspect
import json

import numpy as np
import pytest
import test_contract as contract
from _method_data import make_views

from hashmodal._validation import NotFittedError
from hashmodal.methods import BaseDeepHasher, BaseHasher, _base, register_method
from hashmodal.methods import _deep as deep
from hashmodal.metrics import mean_average_precision

torch = pytest.importorskip("torch", reason="PyTorch is not installed")
F = torch.nn.functional


class _PairwiseMLP(BaseDeepHasher):
    """Supervised cross-modal test method: an MLP per view, tanh relaxation.

    The loss is the pairwise likelihood ``log(1 + e^θ) - s θ`` with
    ``θ = ½ uᵀ v`` over every pair of views (softplus keeps it stable, as in
    ``_blocks.pairwise_logistic_loss``) plus a quantisation term.

    Examples
    --------
    See the tests in this file.
    """

    name = "test-deep-pairwise"
    family = "cross-modal"
    requires_labels = True

    def __init__(
        self,
        n_bits=32,
        *,
        random_state=None,
        device="cpu",
        batch_size=32,
        epochs=4,
        learning_rate=1e-2,
        validation_fraction=0.0,
        verbose=False,
        hidden=16,
    ):
        super().__init__(
            n_bits,
            random_state=random_state,
            device=device,
            batch_size=batch_size,
            epochs=epochs,
            learning_rate=learning_rate,
            validation_fraction=validation_fraction,
            verbose=verbose,
        )
        self.hidden = hidden

    def _build_modules(self, n_features):
        return torch.nn.ModuleDict(
            {
                view: torch.nn.Sequential(
                    torch.nn.Linear(dim, self.hidden),
                    torch.nn.ReLU(),
                    torch.nn.Dropout(0.1),
                    torch.nn.Linear(self.hidden, self.n_bits_),
                )
                for view, dim in n_features.items()
            }
        )

    def _relaxed(self, modules, batch):
        return {view: torch.tanh(modules[view](x)) for view, x in batch.items()}

    def _training_step(self, modules, batch, labels, indices):
        u = self._relaxed(modules, batch)
        similar = (labels @ labels.T > 0).float()
        loss = 0.0
        for a in u.values():
            for b in u.values():
                theta = 0.5 * a @ b.T
                loss = loss + (F.softplus(theta) - similar * theta).mean()
        quantisation = sum(((x.abs() - 1) ** 2).mean() for x in u.values())
        return loss + 0.1 * quantisation

    def _forward_codes(self, modules, views):
        ((view, x),) = views.items()
        return modules[view](x)


class _CosineMLP(_PairwiseMLP):
    """Unsupervised variant: code cosine Gram matrix fits the feature one.

    Examples
    --------
    See the tests in this file.
    """

    name = "test-deep-cosine"
    requires_labels = False

    def _training_step(self, modules, batch, labels, indices):
        features = F.normalize(torch.cat(list(batch.values()), dim=1), dim=1)
        target = features @ features.T
        loss = 0.0
        for a in self._relaxed(modules, batch).values():
            a = F.normalize(a, dim=1)
            loss = loss + ((a @ a.T - target) ** 2).mean()
        return loss


FIXTURES = (_PairwiseMLP, _CosineMLP)


@pytest.fixture()
def registered():
    for cls in FIXTURES:
        register_method(cls)
    yield
    for cls in FIXTURES:
        _base._REGISTRY.pop(cls.name, None)


@pytest.fixture()
def data():
    return make_views(120, seed=0)


def _fit(cls=_PairwiseMLP, views=None, labels=None, **params):
    if views is None:
        views, labels = make_views(120, seed=0)
    params.setdefault("random_state", 0)
    return cls(13, **params).fit(views, labels)


def _state(model):
    return {k: v.clone() for k, v in model.modules_.state_dict().items()}


def _same_state(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# --------------------------------------------------------------- the contract


def _contract_cases():
    """(check name, extra arguments) for every check of test_contract.py."""
    cases = []
    for name, func in inspect.getmembers(contract, inspect.isfunction):
        params = list(inspect.signature(func).parameters)
        if not name.startswith("test_") or not params or params[0] != "name":
            continue
        grids = [{}]
        for mark in getattr(func, "pytestmark", []):
            if mark.name != "parametrize" or mark.args[0] == "name":
                continue
            grids = [
                {**g, mark.args[0]: value} for g in grids for value in mark.args[1]
            ]
        cases += [(name, grid) for grid in grids]
    return cases


CONTRACT_CASES = _contract_cases()


def test_contract_cases_were_found():
    names = {name for name, _ in CONTRACT_CASES}
    assert {"test_save_load_round_trip", "test_batch_independence"} <= names
    assert len(CONTRACT_CASES) >= 15


@pytest.mark.parametrize(
    "check, extra",
    CONTRACT_CASES,
    ids=[
        "-".join([n, *(f"{k}={v!r}" for k, v in e.items())]) for n, e in CONTRACT_CASES
    ],
)
@pytest.mark.parametrize("cls", FIXTURES, ids=lambda c: c.name)
def test_passes_the_contract_suite(registered, cls, check, extra, tmp_path):
    func = getattr(contract, check)
    if "tmp_path" in inspect.signature(func).parameters:
        extra = {**extra, "tmp_path": tmp_path}
    func(cls.name, **extra)


def test_fixtures_are_registered_inside_the_fixture(registered):
    from hashmodal.methods import available_methods

    assert available_methods()[_PairwiseMLP.name] is _PairwiseMLP
    assert available_methods()[_CosineMLP.name] is _CosineMLP


def test_fixtures_are_not_registered_outside_tests():
    assert _PairwiseMLP.name not in _base._REGISTRY
    assert _CosineMLP.name not in _base._REGISTRY


# --------------------------------------------------------------- seeding


@pytest.mark.parametrize("cls", FIXTURES)
def test_same_seed_gives_identical_weights_and_codes(cls, data):
    views, labels = data
    a = _fit(cls, views, labels, random_state=7, validation_fraction=0.2)
    b = _fit(cls, views, labels, random_state=7, validation_fraction=0.2)
    assert _same_state(_state(a), _state(b))
    assert a.history_ == b.history_
    np.testing.assert_array_equal(a.validation_indices_, b.validation_indices_)
    for view in views:
        assert a.encode({view: views[view]}) == b.encode({view: views[view]})


def test_different_seeds_differ(data):
    views, labels = data
    a = _fit(views=views, labels=labels, random_state=1, validation_fraction=0.2)
    b = _fit(views=views, labels=labels, random_state=2, validation_fraction=0.2)
    assert not _same_state(_state(a), _state(b))
    assert not np.array_equal(a.validation_indices_, b.validation_indices_)
    assert a.encode({"image": views["image"]}) != b.encode({"image": views["image"]})


def test_a_numpy_generator_seeds_like_its_int(data):
    views, labels = data
    a = _fit(views=views, labels=labels, random_state=np.random.default_rng(5))
    b = _fit(views=views, labels=labels, random_state=5)
    assert _same_state(_state(a), _state(b))


def test_global_random_states_are_untouched(data):
    views, labels = data
    torch_before = torch.random.get_rng_state()
    numpy_before = np.random.get_state()[1].copy()  # noqa: NPY002
    _fit(views=views, labels=labels, validation_fraction=0.2)
    assert torch.equal(torch.random.get_rng_state(), torch_before)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_before)  # noqa: NPY002


def test_fit_is_independent_of_the_global_torch_seed(data):
    views, labels = data
    torch.manual_seed(1)
    a = _fit(views=views, labels=labels)
    torch.manual_seed(2)
    b = _fit(views=views, labels=labels)
    assert _same_state(_state(a), _state(b))


def test_fit_time_generators_are_seeded_and_removed(data):
    draws = []

    class Noisy(_PairwiseMLP):
        def _training_step(self, modules, batch, labels, indices):
            draws.append(
                (
                    torch.rand(2, generator=self._torch_generator).tolist(),
                    self._numpy_rng.random(),
                )
            )
            return super()._training_step(modules, batch, labels, indices)

    views, labels = data
    model = _fit(Noisy, views, labels, epochs=1)
    first, draws[:] = list(draws), []
    _fit(Noisy, views, labels, epochs=1)
    assert draws == first and len(first) == 4
    assert not hasattr(model, "_torch_generator") and not hasattr(model, "_numpy_rng")


# --------------------------------------------------------------- batches, split


def test_each_epoch_visits_every_training_row_once(data):
    seen = []
    prepared = {}

    class Recording(_PairwiseMLP):
        def _prepare_training(self, views, labels):
            prepared.update(views=views, labels=labels)

        def _training_step(self, modules, batch, labels, indices):
            seen.append(indices.tolist())
            assert all(x.dtype == torch.float32 for x in batch.values())
            assert labels.dtype == torch.float32 and labels.shape[1] == 5
            return super()._training_step(modules, batch, labels, indices)

    views, labels = data
    model = _fit(
        Recording, views, labels, batch_size=25, epochs=2, validation_fraction=0.25
    )
    n_train = 120 - 30
    assert [len(rows) for rows in seen] == [25, 25, 25, 15] * 2
    first = [row for rows in seen[:4] for row in rows]
    second = [row for rows in seen[4:] for row in rows]
    assert sorted(first) == sorted(second) == list(range(n_train))
    assert first != second, "the batch order must be reshuffled every epoch"
    train_rows = np.setdiff1d(np.arange(120), model.validation_indices_)
    np.testing.assert_array_equal(
        prepared["views"]["image"], views["image"][train_rows].astype(np.float32)
    )
    np.testing.assert_array_equal(prepared["labels"].argmax(axis=1), labels[train_rows])


@pytest.mark.parametrize(
    "fraction, n_samples, expected",
    [(0.25, 120, 30), (0.1, 120, 12), (0.3, 10, 3), (0.5, 5, 3), (0.0, 120, 0)],
)
def test_validation_split_sizes(fraction, n_samples, expected):
    train, held_out = deep.validation_split(
        n_samples, fraction, np.random.default_rng(0)
    )
    assert held_out.size == expected and train.size == n_samples - expected
    np.testing.assert_array_equal(
        np.sort(np.concatenate([train, held_out])), np.arange(n_samples)
    )
    assert np.all(np.diff(train) > 0) and np.all(np.diff(held_out) > 0)


def test_fitted_split_size_and_history(data):
    views, labels = data
    model = _fit(views=views, labels=labels, validation_fraction=0.25, epochs=3)
    assert model.validation_indices_.shape == (30,)
    assert model.validation_indices_.dtype == np.int64
    assert len(model.history_["train_loss"]) == 3
    assert len(model.history_["validation_score"]) == 3
    assert model.validation_metric_ == "map"


@pytest.mark.parametrize(
    "fraction, error, match",
    [
        (0.005, ValueError, "holds out 1 of 120"),
        (1.0, ValueError, r"\[0, 1\)"),
        (-0.1, ValueError, r"\[0, 1\)"),
        ("0.2", TypeError, "validation_fraction"),
        (True, TypeError, "validation_fraction"),
    ],
)
def test_bad_validation_fraction(data, fraction, error, match):
    views, labels = data
    with pytest.raises(error, match=match):
        _fit(views=views, labels=labels, validation_fraction=fraction)


@pytest.mark.parametrize(
    "param, value, error",
    [
        ("batch_size", 0, ValueError),
        ("batch_size", 8.0, TypeError),
        ("epochs", 0, ValueError),
        ("epochs", "3", TypeError),
        ("learning_rate", 0.0, ValueError),
        ("learning_rate", float("nan"), ValueError),
        ("learning_rate", "fast", TypeError),
        ("verbose", "yes", TypeError),
    ],
)
def test_bad_training_parameters(data, param, value, error):
    views, labels = data
    model = _PairwiseMLP(8, **{param: value})
    with pytest.raises(error, match=param):
        model.fit(views, labels)
    with pytest.raises(NotFittedError):
        model.encode({"image": views["image"]})


# --------------------------------------------------------------- model selection


class _Scripted(_PairwiseMLP):
    """Validation scores are read from ``SCORES``; weights seen are recorded."""

    SCORES = ()
    METRIC = "map"

    def _validation_score(self, modules, views, labels):
        epoch = len(self.snapshots)
        self.snapshots.append({k: v.clone() for k, v in modules.state_dict().items()})
        return self.METRIC, self.SCORES[epoch]


@pytest.mark.parametrize(
    "metric, scores, best",
    [
        ("map", (0.1, 0.5, 0.3, 0.5, 0.2), 1),
        ("map", (0.4, float("nan"), 0.2, 0.45, 0.45), 3),
        ("loss", (3.0, 2.0, 2.5, 1.5, 4.0), 3),
        ("loss", (1.0, 2.0, 3.0, 4.0, 5.0), 0),
    ],
)
def test_best_epoch_weights_are_kept(data, metric, scores, best):
    views, labels = data
    model = _Scripted(13, random_state=0, epochs=5, validation_fraction=0.2)
    model.SCORES, model.METRIC, model.snapshots = scores, metric, []
    model.fit(views, labels)
    assert model.best_epoch_ == best
    assert model.validation_metric_ == metric
    np.testing.assert_array_equal(model.history_["validation_score"], scores)
    assert _same_state(_state(model), model.snapshots[best])
    if best != 4:
        assert not _same_state(_state(model), model.snapshots[4])


def test_without_validation_the_last_epoch_is_kept(data):
    views, labels = data
    model = _fit(views=views, labels=labels, epochs=3)
    assert model.best_epoch_ == 2
    assert model.validation_metric_ is None
    assert model.history_["validation_score"] == [None, None, None]
    assert model.validation_indices_.shape == (0,)


def test_default_score_is_the_cross_modal_map_of_held_out_items(data):
    views, labels = data
    model = _fit(views=views, labels=labels, epochs=6, validation_fraction=0.25)
    scores = model.history_["validation_score"]
    assert model.best_epoch_ == int(np.argmax(scores))
    held = model.validation_indices_
    image = model.encode({"image": views["image"][held]})
    text = model.encode({"text": views["text"][held]})
    expected = np.mean(
        [
            mean_average_precision(
                q, d, labels[held], labels[held], same_set=True
            ).value
            for q, d in ((image, text), (text, image))
        ]
    )
    assert scores[model.best_epoch_] == pytest.approx(expected, abs=1e-12)
    assert 1 / 5 < expected <= 1.0


def test_unsupervised_score_is_the_validation_loss(data):
    views, _ = data
    model = _fit(_CosineMLP, views, epochs=6, validation_fraction=0.25, batch_size=16)
    assert model.validation_metric_ == "loss"
    scores = model.history_["validation_score"]
    assert model.best_epoch_ == int(np.argmin(scores))
    held = model.validation_indices_
    model.modules_.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, held.size, 16):
            rows = held[start : start + 16]
            batch = {
                k: torch.from_numpy(v[rows].astype(np.float32))
                for k, v in views.items()
            }
            total += (
                float(model._training_step(model.modules_, batch, None, None))
                * rows.size
            )
    assert scores[model.best_epoch_] == pytest.approx(total / held.size, rel=1e-6)


def test_unsupervised_selection_uses_labels_when_given(data):
    views, labels = data
    model = _fit(_CosineMLP, views, labels, epochs=2, validation_fraction=0.25)
    assert model.validation_metric_ == "map"


# --------------------------------------------------------------- progress


def test_progress_off_prints_nothing(data, capsys):
    views, labels = data
    _fit(views=views, labels=labels, validation_fraction=0.2, verbose=False)
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_progress_on_names_the_method(data, capsys):
    views, labels = data
    _fit(views=views, labels=labels, validation_fraction=0.2, verbose=True, epochs=2)
    out, err = capsys.readouterr()
    assert out == ""
    assert "_PairwiseMLP" in err and "2/2" in err and "map" in err


def test_epochs_are_logged_not_printed(data, caplog, capsys):
    views, labels = data
    with caplog.at_level("DEBUG", logger="hashmodal.methods._deep"):
        _fit(views=views, labels=labels, validation_fraction=0.2, epochs=2)
    messages = [r.getMessage() for r in caplog.records]
    assert any("epoch 2/2: train loss" in m and "validation map" in m for m in messages)
    assert any("kept the weights after epoch" in m for m in messages)
    assert capsys.readouterr() == ("", "")


# --------------------------------------------------------------- device


def test_cpu_and_auto_devices(data):
    views, labels = data
    cpu = _fit(views=views, labels=labels, device="cpu")
    assert next(cpu.modules_.parameters()).device.type == "cpu"
    if not torch.cuda.is_available():
        auto = _fit(views=views, labels=labels, device="auto")
        assert auto.encode({"text": views["text"]}) == cpu.encode(
            {"text": views["text"]}
        )


@pytest.mark.parametrize(
    "device, error, match",
    [
        ("gpu", ValueError, "device must be 'auto' or a torch device string"),
        ("", ValueError, "device must be"),
        ("meta", ValueError, "meta"),
        (0, TypeError, "device must be"),
        (None, TypeError, "device must be"),
    ],
)
def test_unknown_device(data, device, error, match):
    views, labels = data
    with pytest.raises(error, match=match):
        _fit(views=views, labels=labels, device=device)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_without_a_gpu_says_so(data):
    views, labels = data
    with pytest.raises(ValueError, match="needs CUDA, which is not available"):
        _fit(views=views, labels=labels, device="cuda")


def test_encode_checks_the_device_again(data):
    views, labels = data
    model = _fit(views=views, labels=labels)
    model.set_params(device="tpu-ish")
    with pytest.raises(ValueError, match="device"):
        model.encode({"image": views["image"]})


# --------------------------------------------------------------- encoding


def test_batch_size_does_not_change_the_outputs(data):
    views, labels = data
    model = _fit(views=views, labels=labels)
    whole = model._project({"image": views["image"]})
    model.set_params(batch_size=1)
    one_by_one = model._project({"image": views["image"]})
    assert whole.shape == (120, 13) and whole.dtype == np.float64
    np.testing.assert_allclose(one_by_one, whole, rtol=1e-5, atol=1e-6)
    assert model.encode({"image": views["image"]}).to_bits().tolist() == (
        (whole >= 0).astype(int).tolist()
    )


def test_encoding_does_not_train(data):
    views, labels = data
    model = _fit(views=views, labels=labels)
    before = _state(model)
    model.encode({"text": views["text"]})
    assert _same_state(before, _state(model))
    assert not model.modules_.training


def test_errors_before_fit(data):
    views, _ = data
    model = _PairwiseMLP(8)
    with pytest.raises(NotFittedError, match="fit"):
        model.encode({"image": views["image"]})
    with pytest.raises(NotFittedError, match="fit"):
        model.save("never-written.npz")


# --------------------------------------------------------------- broken hooks


def test_a_failing_fit_leaves_no_fitted_state(data):
    class NotADict(_PairwiseMLP):
        def _build_modules(self, n_features):
            return torch.nn.Linear(3, 3)

    views, labels = data
    model = NotADict(8)
    with pytest.raises(TypeError, match=r"must return a torch\.nn\.ModuleDict"):
        model.fit(views, labels)
    assert not any(k.endswith("_") and not k.startswith("_") for k in vars(model))


def test_loss_must_be_a_scalar_tensor(data):
    class VectorLoss(_PairwiseMLP):
        def _training_step(self, modules, batch, labels, indices):
            return super()._training_step(modules, batch, labels, indices).repeat(2)

    views, labels = data
    with pytest.raises(TypeError, match=r"scalar torch.Tensor.*\(2,\)"):
        VectorLoss(8).fit(views, labels)


def test_diverging_loss_is_reported(data):
    class Diverging(_PairwiseMLP):
        def _training_step(self, modules, batch, labels, indices):
            loss = super()._training_step(modules, batch, labels, indices)
            return loss * float("inf")

    views, labels = data
    with pytest.raises(FloatingPointError, match="lower learning_rate"):
        Diverging(8).fit(views, labels)


def test_forward_codes_shape_is_checked(data):
    class Short(_PairwiseMLP):
        def _forward_codes(self, modules, views):
            return super()._forward_codes(modules, views)[:, :-1]

    views, labels = data
    model = _fit(Short, views, labels)
    with pytest.raises(RuntimeError, match=r"shape \(32, 13\), got \(32, 12\)"):
        model.encode({"image": views["image"]})


# --------------------------------------------------------------- files


@pytest.mark.parametrize("cls", FIXTURES)
def test_save_load_round_trip_without_pickle(registered, cls, data, tmp_path):
    views, labels = data
    model = _fit(cls, views, labels, validation_fraction=0.25, epochs=3)
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as stored:
        meta = json.loads(str(stored["__meta__"]))
        assert all(stored[k].dtype != object for k in stored.files)
        weight = stored["module/image/0.weight"]
    assert meta["modules"]["image"] == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert meta["params"]["validation_fraction"] == 0.25
    np.testing.assert_array_equal(
        weight, model.modules_["image"][0].weight.detach().numpy()
    )

    loaded = BaseHasher.load(path)
    assert type(loaded) is cls
    assert _same_state(_state(loaded), _state(model))
    assert loaded.history_ == model.history_
    assert loaded.best_epoch_ == model.best_epoch_
    assert loaded.validation_metric_ == model.validation_metric_
    np.testing.assert_array_equal(loaded.validation_indices_, model.validation_indices_)
    for view in views:
        assert loaded.encode({view: views[view]}) == model.encode({view: views[view]})
        np.testing.assert_array_equal(
            loaded._project({view: views[view]}), model._project({view: views[view]})
        )


def test_loading_does_not_touch_the_global_rng(registered, data, tmp_path):
    views, labels = data
    _fit(views=views, labels=labels).save(tmp_path / "m.npz")
    before = torch.random.get_rng_state()
    BaseHasher.load(tmp_path / "m.npz")
    assert torch.equal(torch.random.get_rng_state(), before)


def _rewrite(path, edit):
    with np.load(path, allow_pickle=False) as stored:
        arrays = {k: stored[k] for k in stored.files}
    meta = json.loads(str(arrays.pop("__meta__")))
    edit(meta, arrays)
    np.savez(path, __meta__=np.array(json.dumps(meta)), **arrays)


def test_load_refuses_weights_of_another_architecture(registered, data, tmp_path):
    views, labels = data
    path = tmp_path / "m.npz"
    _fit(views=views, labels=labels).save(path)
    _rewrite(path, lambda meta, arrays: meta["params"].update(hidden=8))
    with pytest.raises(ValueError, match=r"inconsistent.*does not match its saved"):
        BaseHasher.load(path)


def test_load_refuses_missing_weights(registered, data, tmp_path):
    views, labels = data
    path = tmp_path / "m.npz"
    _fit(views=views, labels=labels).save(path)
    _rewrite(path, lambda meta, arrays: arrays.pop("module/text/3.bias"))
    with pytest.raises(ValueError, match=r"inconsistent.*module/text/3\.bias"):
        BaseHasher.load(path)


def test_load_refuses_unknown_modules(registered, data, tmp_path):
    views, labels = data
    path = tmp_path / "m.npz"
    _fit(views=views, labels=labels).save(path)
    _rewrite(path, lambda meta, arrays: meta["modules"].update(audio=[]))
    with pytest.raises(ValueError, match=r"holds modules.*'audio'"):
        BaseHasher.load(path)


def test_loaded_gpu_model_encodes_on_the_cpu(registered, data, tmp_path):
    views, labels = data
    model = _fit(views=views, labels=labels)
    path = tmp_path / "m.npz"
    model.save(path)
    _rewrite(path, lambda meta, arrays: meta["params"].update(device="cuda:7"))
    loaded = BaseHasher.load(path)
    loaded.set_params(device="cpu")
    assert loaded.encode({"image": views["image"]}) == model.encode(
        {"image": views["image"]}
    )
