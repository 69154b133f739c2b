"""Tests of the packed code format, binarisation and conversions."""

import numpy as np
import pytest

from hashmodal.codes import (
    BinaryCodes,
    as_codes,
    binarize,
    from_bits,
    from_signs,
    load_codes,
    save_codes,
)


def _hamming(a: BinaryCodes, b: BinaryCodes) -> np.ndarray:
    return (a.to_bits()[:, None, :] != b.to_bits()[None, :, :]).sum(-1)


@pytest.mark.parametrize("n_bits", [1, 7, 8, 12, 64, 100, 256])
def test_bits_round_trip_any_length(n_bits):
    rng = np.random.default_rng(n_bits)
    bits = rng.integers(0, 2, size=(9, n_bits), dtype=np.uint8)
    codes = from_bits(bits)
    assert codes.n_bits == n_bits
    assert codes.packed.shape == (9, (n_bits + 7) // 8)
    np.testing.assert_array_equal(codes.to_bits(), bits)
    np.testing.assert_array_equal(from_signs(codes.to_signs()).packed, codes.packed)


def test_padding_bits_are_zero_and_enforced():
    codes = from_bits(np.ones((3, 12), dtype=np.uint8))
    assert codes.packed[:, 1].tolist() == [0x0F] * 3
    bad = codes.packed.copy()
    bad[0, 1] |= 0x80
    with pytest.raises(ValueError, match="padding"):
        BinaryCodes(bad, 12)


def test_lsb_first_matches_numpy_little_order():
    bits = np.array([[1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]], np.uint8)
    assert from_bits(bits).packed.tolist() == [[0x01, 0x02]]


def test_c1_zero_maps_to_one_for_queries_and_database():
    # Case C1: exact zeros map to bit 1 under the one binarisation rule.
    q = binarize([[0.0, 0.3, 0.7, 0.2]])
    b = binarize([[0.4, 0.1, 0.9, 0.5]])
    assert _hamming(q, b).tolist() == [[0]]
    assert set(np.unique(q.to_signs())) <= {-1, 1}


def test_c2_one_pack_order():
    # Case C2: the same signs packed twice give the same bytes, distance 0.
    x = np.array([[-1, -1, -1, 0, 1, 1, 1, 1]])
    a = binarize(x)
    b = binarize(x.astype(float))
    assert a == b
    assert a.packed.tolist() == [[0xF8]]
    assert _hamming(a, b).tolist() == [[0]]


def test_c3_logical_length_is_kept():
    # Case C3: 12-bit codes 111100001111 and 111100000000 are at distance 4.
    a = from_bits([[1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]])
    b = from_bits([[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]])
    assert a.n_bits == 12
    assert _hamming(a, b).tolist() == [[4]]
    popcount = np.unpackbits(a.packed ^ b.packed, axis=1).sum()
    assert popcount == 4


def test_c4_zero_one_codes_are_validated_not_mixed():
    # Case C4: {0,1} codes a=[1,0,1,0], b=[1,1,0,0] are at distance 2.
    a = as_codes(np.array([[1, 0, 1, 0]]))
    b = as_codes(np.array([[1, 1, 0, 0]]))
    assert _hamming(a, b).tolist() == [[2]]
    with pytest.raises(ValueError, match=r"only \{0,1\} or only \{-1,\+1\}"):
        as_codes(np.array([[1, 0, -1, 1]]))


@pytest.mark.parametrize(
    "bad",
    [
        np.array([[0.5, 1.0]]),
        np.array([[2, 0]]),
        np.array([[-1, 0, 1]]),
        np.array([[0.0, 1e-9]]),
    ],
)
def test_nothing_is_silently_thresholded(bad):
    with pytest.raises(ValueError):
        as_codes(bad)


def test_from_signs_refuses_zero():
    with pytest.raises(ValueError, match="-1 and \\+1"):
        from_signs([[1, 0, -1]])


def test_from_bits_refuses_other_values():
    with pytest.raises(ValueError, match="0 and 1"):
        from_bits([[1, 2]])


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_binarize_refuses_non_finite(value):
    with pytest.raises(ValueError, match="finite"):
        binarize([[0.1, value]])


def test_as_codes_packed_needs_n_bits():
    packed = np.array([[0xFF, 0x03]], dtype=np.uint8)
    codes = as_codes(packed, n_bits=10)
    assert codes.n_bits == 10
    with pytest.raises(ValueError, match="need n_bits"):
        as_codes(packed)
    with pytest.raises(ValueError, match="bytes per row"):
        as_codes(packed, n_bits=32)


def test_as_codes_checks_n_bits_against_bits():
    with pytest.raises(ValueError, match="n_bits=5"):
        as_codes(np.array([[1, 0, 1]]), n_bits=5)


def test_n_bits_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="n_bits"):
        BinaryCodes(np.zeros((1, 0), np.uint8), 0)
    with pytest.raises(TypeError, match="n_bits"):
        BinaryCodes(np.zeros((1, 4), np.uint8), 32.0)


def test_save_load_keeps_bit_length(tmp_path):
    codes = from_bits(np.random.default_rng(0).integers(0, 2, (5, 13)))
    path = tmp_path / "codes.npz"
    save_codes(path, codes)
    loaded = load_codes(path)
    assert loaded == codes
    assert loaded.n_bits == 13


def test_load_refuses_other_files(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, x=np.zeros(3))
    with pytest.raises(ValueError, match="not a hashmodal codes file"):
        load_codes(path)


def test_row_selection_and_array_protocol():
    codes = from_bits(np.eye(4, 9, dtype=np.uint8))
    assert len(codes[1:3]) == 2
    assert codes[2].shape == (1, 9)
    assert np.asarray(codes).dtype == np.uint8
    assert not codes.packed.flags.writeable


def test_faiss_binary_flat_gives_the_same_distances():
    faiss = pytest.importorskip("faiss")
    rng = np.random.default_rng(1)
    db = from_bits(rng.integers(0, 2, (50, 64)))
    q = from_bits(rng.integers(0, 2, (5, 64)))
    index = faiss.IndexBinaryFlat(64)
    index.add(np.asarray(db))
    dist, ids = index.search(np.asarray(q), 50)
    expected = _hamming(q, db)
    np.testing.assert_array_equal(np.take_along_axis(expected, ids, 1), dist)
