"""CMFH: the alternating solver decreases its objective; codes and errors."""

import numpy as np
import pytest
from _method_data import hamming_map, make_views

from hashmodal.methods.cross_modal import CMFH
from hashmodal.methods.cross_modal._cmfh import cmfh_objective, cmfh_solve

PARAMS = {"view_weight": 0.3, "mu": 2.0, "gamma": 0.1}


def _solve(max_iter=15, seed=0, record_steps=True):
    views, _ = make_views(80, seed=seed)
    X1 = views["image"] - views["image"].mean(axis=0)
    X2 = views["text"] - views["text"].mean(axis=0)
    out = cmfh_solve(
        X1,
        X2,
        6,
        **PARAMS,
        max_iter=max_iter,
        tol=0.0,
        rng=np.random.default_rng(seed),
        record_steps=record_steps,
    )
    return X1, X2, out


def test_every_block_update_does_not_increase_the_objective():
    _, _, out = _solve()
    values = np.array([value for _, value in out["steps"]])
    names = [name for name, _ in out["steps"]]
    assert names[:4] == ["P", "V", "U", "P"] and len(names) == 3 * 15 - 1
    assert np.all(np.diff(values) <= 1e-9 * values[:-1])
    assert np.all(np.diff(out["objective"]) <= 1e-9 * out["objective"][:-1])
    assert out["objective"][-1] < 0.5 * values[0]


def test_the_v_update_is_the_exact_minimiser():
    # The last step of a sweep minimises J over V: any perturbation raises J,
    # and J is quadratic in V, so the rise is exactly ||E||² times the Hessian.
    X1, X2, out = _solve()
    state = {k: out[k] for k in ("U1", "U2", "P1", "P2", "V")}
    base = cmfh_objective(X1, X2, state, **PARAMS)
    rng = np.random.default_rng(1)
    for _ in range(5):
        E = 1e-3 * rng.standard_normal(state["V"].shape)
        moved = dict(state, V=state["V"] + E)
        rise = cmfh_objective(X1, X2, moved, **PARAMS) - base
        w, mu, gamma = PARAMS["view_weight"], PARAMS["mu"], PARAMS["gamma"]
        hess = w * out["U1"] @ out["U1"].T + (1 - w) * out["U2"] @ out["U2"].T
        expected = np.sum((E @ hess) * E) + (2 * mu + gamma) * np.sum(E**2)
        assert rise > 0
        assert rise == pytest.approx(expected, rel=1e-4)


def test_objective_matches_a_direct_computation():
    X1, X2, out = _solve(max_iter=2, record_steps=False)
    w, mu, gamma = PARAMS["view_weight"], PARAMS["mu"], PARAMS["gamma"]
    U1, U2, P1, P2, V = (out[k] for k in ("U1", "U2", "P1", "P2", "V"))
    direct = (
        w * np.linalg.norm(X1 - V @ U1) ** 2
        + (1 - w) * np.linalg.norm(X2 - V @ U2) ** 2
        + mu * np.linalg.norm(V - X1 @ P1) ** 2
        + mu * np.linalg.norm(V - X2 @ P2) ** 2
        + gamma * sum(np.linalg.norm(M) ** 2 for M in (U1, U2, P1, P2, V))
    )
    assert out["objective"][-1] == pytest.approx(direct, rel=1e-10)


def test_fit_attributes_shapes_and_balanced_codes(two_views):
    views, _ = two_views
    model = CMFH(n_bits=8, random_state=0).fit(views)
    assert model.projections_["image"].shape == (24, 8)
    assert model.projections_["text"].shape == (16, 8)
    assert model.train_codes_.shape == (120, 8)
    assert model.n_iter_ == model.objective_.shape[0] <= 100
    assert np.all(np.diff(model.objective_) <= 1e-9 * model.objective_[:-1])
    np.testing.assert_allclose(model.means_["text"], views["text"].mean(axis=0))
    # Centred inputs give zero-mean latents: no bit is constant.
    bit_means = model.train_codes_.to_signs().mean(axis=0)
    assert np.all(np.abs(bit_means) < 0.8)


def test_codes_retrieve_across_views_far_above_chance(two_views):
    views, labels = two_views
    model = CMFH(n_bits=16, random_state=0).fit(views)
    image = model.encode({"image": views["image"]})
    score = hamming_map(image, model.train_codes_, labels, labels)
    assert score > 0.6  # chance is 0.2 with 5 balanced classes
    # Query codes are the sign of the centred projection.
    text = views["text"][:7]
    expected = (text - model.means_["text"]) @ model.projections_["text"] >= 0
    np.testing.assert_array_equal(model.encode({"text": text}).to_bits(), expected)


def test_tolerance_stops_early(two_views):
    views, _ = two_views
    loose = CMFH(n_bits=8, random_state=0, tol=1e-2).fit(views)
    tight = CMFH(n_bits=8, random_state=0, tol=0.0, max_iter=40).fit(views)
    assert loose.n_iter_ < tight.n_iter_ == 40


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"view_weight": 1.5}, "view_weight must be a number in \\(0, 1\\)"),
        ({"mu": 0}, "mu must be a finite number > 0"),
        ({"gamma": -1.0}, "gamma must be a finite number > 0"),
        ({"tol": -1e-3}, "tol must be a finite number >= 0"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
    ],
)
def test_bad_parameters_are_named(two_views, params, match):
    views, _ = two_views
    with pytest.raises(ValueError, match=match):
        CMFH(n_bits=4, **params).fit(views)


def test_needs_exactly_two_views(two_views):
    views, _ = two_views
    three = dict(views, audio=views["text"][:, :5])
    with pytest.raises(ValueError, match=r"exactly 2 paired views.*got 3"):
        CMFH(n_bits=4).fit(three)
