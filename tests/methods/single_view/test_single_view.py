"""Quality checks of the single-view methods against oracles and known relations."""

import numpy as np
import pytest
from _method_data import hamming_map, make_views
from sklearn.decomposition import PCA

from hashmodal.codes import from_bits
from hashmodal.methods import get_method
from hashmodal.methods._blocks import sign
from hashmodal.methods.single_view import ITQ, LSH, PCAH, SH, SKLSH


@pytest.fixture(scope="module")
def clustered():
    return make_views(400, seed=1)


# ---------------------------------------------------------------- view choice


def test_view_parameter_selects_or_concatenates(clustered):
    views, _ = clustered
    one = PCAH(8, view="text").fit(views)
    assert one.input_views_ == ("text",)
    assert one.input_description_ == "view 'text' (16)"
    assert one.encodable_views() == [("text",)]
    np.testing.assert_array_equal(
        one.encode({"text": views["text"]}).to_bits(),
        PCAH(8).fit({"text": views["text"]}).encode({"text": views["text"]}).to_bits(),
    )
    both = PCAH(8).fit(views)
    assert (
        both.input_description_ == "concatenation of views 'image' (24) + 'text' (16)"
    )
    joined = np.hstack([views["image"], views["text"]])
    expected = PCAH(8).fit({"x": joined}).encode({"x": joined})
    # The mapping's order at encode time does not matter: fit order is used.
    assert both.encode({"text": views["text"], "image": views["image"]}) == expected
    with pytest.raises(ValueError, match=r"view must name one of.*'nope'"):
        PCAH(8, view="nope").fit(views)
    with pytest.raises(ValueError, match="cannot encode from views"):
        one.encode({"image": views["image"]})


def test_train_codes_equal_encoded_training_items(clustered):
    views, _ = clustered
    for cls in (LSH, PCAH, ITQ, SH, SKLSH):
        model = cls(16, random_state=0).fit(views)
        assert model.train_codes_ == model.encode(views)


# ---------------------------------------------------------------- PCAH


def test_pcah_matches_sklearn_pca_up_to_sign(clustered):
    views, _ = clustered
    X = views["image"]
    ours = PCAH(10).fit({"image": X}).encode({"image": X}).to_signs()
    reference = sign(PCA(n_components=10, svd_solver="full").fit_transform(X))
    for j in range(10):
        agree = np.mean(ours[:, j] == reference[:, j])
        assert agree in (0.0, 1.0) or min(agree, 1 - agree) < 0.01, j


def test_pcah_refuses_more_bits_than_features():
    X = np.random.default_rng(0).normal(size=(50, 6))
    with pytest.raises(ValueError, match=r"n_bits must be <= .* = 6, got n_bits=8"):
        PCAH(8).fit({"x": X})
    with pytest.raises(ValueError, match="n_bits must be <="):
        ITQ(8).fit({"x": X})


def test_pca_path_for_wide_data_matches_sklearn():
    X = np.random.default_rng(2).normal(size=(20, 60))
    model = PCAH(5).fit({"x": X})
    sk = PCA(5, svd_solver="full").fit(X)
    overlap = np.abs(model.components_.T @ sk.components_.T)
    np.testing.assert_allclose(overlap, np.eye(5), atol=1e-8)
    np.testing.assert_allclose(model.explained_variance_, sk.explained_variance_)


# ---------------------------------------------------------------- ITQ


def test_itq_loss_decreases_and_beats_pcah(clustered):
    views, _ = clustered
    X = views["image"]
    model = ITQ(8, random_state=0).fit({"image": X})
    losses = model.loss_history_
    assert losses.shape == (51,)
    assert np.all(np.diff(losses) <= 1e-9 * losses[0])
    np.testing.assert_allclose(
        model.rotation_.T @ model.rotation_, np.eye(8), atol=1e-10
    )
    V = (X - model.mean_) @ model.components_
    pcah_loss = np.sum((sign(V) - V) ** 2)
    assert losses[-1] < pcah_loss


def test_itq_recovers_the_rotation_of_a_hypercube():
    # Points near the corners of a rotated hypercube: after ITQ, codes equal the
    # corner labels up to per-bit flips and a bit permutation.
    rng = np.random.default_rng(0)
    corners = sign(rng.normal(size=(500, 4)))
    rotation, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    X = (corners + 0.05 * rng.normal(size=corners.shape)) @ rotation.T
    codes = ITQ(4, random_state=1).fit({"x": X}).encode({"x": X}).to_signs()
    match = np.abs(codes.T @ corners) / 500
    assert np.allclose(np.sort(match.max(axis=1)), 1.0)


# ---------------------------------------------------------------- LSH


def test_lsh_collision_probability_is_one_minus_angle_over_pi():
    n_features = 10
    rng = np.random.default_rng(0)
    data = rng.normal(size=(200, n_features))
    model = LSH(4096, random_state=0).fit({"x": data})
    for theta in (0.3, 1.0, 2.0, 2.8):
        x = np.zeros(n_features)
        y = np.zeros(n_features)
        x[0] = 1.0
        y[0], y[1] = np.cos(theta), np.sin(theta)
        pair = np.stack([x, y]) + model.mean_  # centred vectors at angle theta
        bits = model.encode({"x": pair}).to_bits()
        agree = np.mean(bits[0] == bits[1])
        # 4096 bits: standard error <= 0.008.
        assert agree == pytest.approx(1 - theta / np.pi, abs=0.04)


# ---------------------------------------------------------------- SH


def test_sh_mode_selection_matches_hand_computation():
    # A 2-D grid on [0, 4] x [0, 1.5]: PCA keeps the axes, ranges 4 and 1.5.
    # Mode frequencies k / range: dim 0 -> 0.25, 0.5, 0.75, 1.0, ...;
    # dim 1 -> 0.667, 1.333, ... The 4 smallest: (0,1), (0,2), (1,1), (0,3).
    g0, g1 = np.meshgrid(np.linspace(0, 4, 41), np.linspace(0, 1.5, 16))
    X = np.column_stack([g0.ravel(), g1.ravel()])
    model = SH(4).fit({"x": X})
    np.testing.assert_allclose(np.abs(model.components_), np.eye(2), atol=1e-12)
    np.testing.assert_allclose(model.range_, [4.0, 1.5])
    assert model.modes_.tolist() == [[0, 1], [0, 2], [1, 1], [0, 3]]
    # Bits by hand: sign(sin(pi/2 + k pi (x - a) / (b - a))) on the first axis.
    point = np.array([[0.5, 0.2], [3.9, 1.4]])
    bits = model.encode({"x": point}).to_bits()
    # Component signs may flip an axis; recompute in the fitted coordinates.
    V = (point - model.mean_) @ model.components_
    expected = []
    for dim, k in model.modes_:
        t = (V[:, dim] - model.lower_[dim]) / model.range_[dim]
        expected.append(np.sin(np.pi / 2 + k * np.pi * t) >= 0)
    np.testing.assert_array_equal(bits, np.column_stack(expected).astype(np.uint8))
    # The first bit splits the long axis in the middle of its range.
    left, right = np.array([[1.9, 0.7]]), np.array([[2.1, 0.7]])
    assert (
        model.encode({"x": left}).to_bits()[0, 0]
        != (model.encode({"x": right}).to_bits()[0, 0])
    )


def test_sh_allows_more_bits_than_features():
    X = np.random.default_rng(0).normal(size=(100, 3))
    model = SH(10).fit({"x": X})
    assert model.modes_.shape == (10, 2)
    assert model.encode({"x": X}).shape == (100, 10)


# ---------------------------------------------------------------- SKLSH


def test_sklsh_hamming_follows_the_kernel_relation():
    gamma = 0.5
    dim = 6
    model = SKLSH(8192, random_state=0, gamma=gamma).fit(
        {"x": np.random.default_rng(1).normal(size=(50, dim))}
    )
    m = np.arange(1, 2000)
    observed = []
    for distance in (0.2, 0.6, 1.0, 1.6, 2.5, 4.0):
        x = np.zeros((1, dim))
        y = np.zeros((1, dim))
        y[0, 2] = distance
        bits = model.encode({"x": np.vstack([x, y])}).to_bits()
        frac = np.mean(bits[0] != bits[1])
        kernel_m = np.exp(-gamma * (m * distance) ** 2 / 2)
        expected = 8 / np.pi**2 * np.sum((1 - kernel_m) / (4 * m**2 - 1))
        assert frac == pytest.approx(expected, abs=0.03)
        observed.append(frac)
    assert np.all(np.diff(observed) > 0)


def test_sklsh_median_gamma_and_bad_gamma():
    X = np.random.default_rng(0).normal(size=(80, 4))
    model = SKLSH(8, random_state=0).fit({"x": X})
    d = ((X[:, None] - X[None]) ** 2).sum(-1)[np.triu_indices(80, 1)]
    assert model.gamma_ == pytest.approx(1 / np.median(d))
    with pytest.raises(ValueError, match="gamma must be"):
        SKLSH(8, gamma=-1.0).fit({"x": X})
    with pytest.raises(ValueError, match="gamma must be"):
        SKLSH(8, gamma="mean").fit({"x": X})


# ---------------------------------------------------------------- retrieval


# PCAH at 8 bits: the data has an 8-D latent, and PCAH's later directions are
# noise of the same variance, a known weakness of PCAH at long codes.
@pytest.mark.parametrize(
    ("name", "n_bits"),
    [("lsh", 32), ("pcah", 8), ("itq", 32), ("sh", 32), ("sklsh", 32)],
)
def test_map_beats_random_codes_on_clustered_data(clustered, name, n_bits):
    views, labels = clustered
    q, db = slice(0, 100), slice(100, None)
    model = get_method(name, n_bits=n_bits, random_state=0).fit(
        {k: v[db] for k, v in views.items()}
    )
    q_codes = model.encode({k: v[q] for k, v in views.items()})
    db_codes = model.encode({k: v[db] for k, v in views.items()})
    score = hamming_map(q_codes, db_codes, labels[q], labels[db])
    rng = np.random.default_rng(0)
    random_score = hamming_map(
        from_bits(rng.integers(0, 2, (100, n_bits))),
        from_bits(rng.integers(0, 2, (300, n_bits))),
        labels[q],
        labels[db],
    )
    assert random_score < 0.3
    assert score > random_score + 0.3, (score, random_score)
