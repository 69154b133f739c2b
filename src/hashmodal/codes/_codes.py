"""The binary code format used everywhere in hashmodal.

Codes are stored packed: one row per item, ``ceil(n_bits / 8)`` bytes per row,
least-significant bit first inside each byte (logical bit ``j`` is bit
``j % 8`` of byte ``j // 8``). This is the order ``numpy.packbits(...,
bitorder="little")`` and faiss binary indexes use. Padding bits in the last
byte are always zero, so they never add to a Hamming distance. The logical
number of bits travels with the bytes in :class:`BinaryCodes`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from hashmodal._validation import check_finite, check_positive_int, describe

__all__ = [
    "BinaryCodes",
    "as_codes",
    "binarize",
    "from_bits",
    "from_signs",
    "load_codes",
    "n_bytes_for",
    "save_codes",
]


def n_bytes_for(n_bits: int) -> int:
    """Number of bytes that hold ``n_bits`` bits: ``ceil(n_bits / 8)``.

    Parameters
    ----------
    n_bits : int
        Code length, ``>= 1``.

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        If ``n_bits`` is not an integer ``>= 1``.

    Examples
    --------
    >>> n_bytes_for(12), n_bytes_for(64)
    (2, 8)
    """
    return (check_positive_int(n_bits, "n_bits") + 7) // 8


class BinaryCodes:
    """Packed binary codes with their logical bit length.

    Parameters
    ----------
    packed : ndarray of shape (n_codes, n_bytes), dtype uint8
        Packed bits, least-significant bit first inside each byte.
    n_bits : int
        Logical number of bits per code; ``n_bytes == ceil(n_bits / 8)``.

    Raises
    ------
    TypeError
        If ``packed`` is not a ``uint8`` array.
    ValueError
        If it is not 2-D, has the wrong number of bytes for ``n_bits``, or has
        non-zero padding bits.

    Notes
    -----
    ``np.asarray(codes)`` gives the packed ``uint8`` matrix, so codes of a
    multiple of 8 bits go straight into ``faiss.IndexBinaryFlat``.

    Examples
    --------
    >>> import numpy as np
    >>> codes = from_bits(np.array([[1, 0, 1, 1, 0, 0, 0, 0, 1, 1]]))
    >>> codes.n_bits, codes.packed.tolist()
    (10, [[13, 3]])
    >>> codes.to_bits().tolist()
    [[1, 0, 1, 1, 0, 0, 0, 0, 1, 1]]
    """

    __slots__ = ("_n_bits", "_packed")

    def __init__(self, packed: Any, n_bits: int) -> None:
        n_bits = check_positive_int(n_bits, "n_bits")
        if not isinstance(packed, np.ndarray) or packed.dtype != np.uint8:
            raise TypeError(
                f"packed codes must be a uint8 array, got {describe(packed)}"
            )
        if packed.ndim != 2:
            raise ValueError(
                f"packed codes must be 2-D (n_codes, n_bytes), got shape {packed.shape}"
            )
        n_bytes = (n_bits + 7) // 8
        if packed.shape[1] != n_bytes:
            raise ValueError(
                f"packed codes of {n_bits} bits need {n_bytes} bytes per row, "
                f"got {packed.shape[1]}"
            )
        spare = 8 * n_bytes - n_bits
        if spare and packed.shape[0] and np.any(packed[:, -1] >> (8 - spare)):
            raise ValueError(
                f"packed codes of {n_bits} bits must have their {spare} padding "
                f"bit(s) in the last byte set to zero"
            )
        packed = np.ascontiguousarray(packed)
        packed.flags.writeable = False
        self._packed = packed
        self._n_bits = n_bits

    @property
    def packed(self) -> np.ndarray:
        """Read-only packed ``uint8`` matrix of shape (n_codes, n_bytes)."""
        return self._packed

    @property
    def n_bits(self) -> int:
        """Logical number of bits per code."""
        return self._n_bits

    @property
    def n_bytes(self) -> int:
        """Number of bytes per code."""
        return self._packed.shape[1]

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_codes, n_bits)``: the logical shape."""
        return (self._packed.shape[0], self._n_bits)

    def __len__(self) -> int:
        return self._packed.shape[0]

    def __getitem__(self, index: Any) -> BinaryCodes:
        """Select rows; always returns :class:`BinaryCodes`."""
        rows = self._packed[index]
        if rows.ndim == 1:
            rows = rows[None, :]
        return BinaryCodes(rows, self._n_bits)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if dtype is not None and np.dtype(dtype) != np.uint8:
            raise TypeError("BinaryCodes converts only to uint8 (the packed bytes)")
        return self._packed.copy() if copy else self._packed

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BinaryCodes):
            return NotImplemented
        return self._n_bits == other._n_bits and np.array_equal(
            self._packed, other._packed
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BinaryCodes(n_codes={len(self)}, n_bits={self._n_bits})"

    def to_bits(self) -> np.ndarray:
        """Unpack to a {0,1} ``uint8`` matrix of shape (n_codes, n_bits)."""
        bits = np.unpackbits(self._packed, axis=1, bitorder="little")
        return bits[:, : self._n_bits]

    def to_signs(self) -> np.ndarray:
        """Unpack to a {-1,+1} ``int8`` matrix (bit 1 → +1, bit 0 → -1)."""
        return self.to_bits().astype(np.int8) * 2 - 1


def from_bits(bits: Any) -> BinaryCodes:
    """Pack a {0,1} matrix of shape (n_codes, n_bits).

    Parameters
    ----------
    bits : array-like of shape (n_codes, n_bits)
        Integer, boolean or float array holding only 0 and 1; column ``j`` is
        logical bit ``j``.

    Returns
    -------
    BinaryCodes

    Raises
    ------
    ValueError
        If any value is not exactly 0 or 1 (nothing is thresholded), or the
        input is not 2-D.

    Examples
    --------
    >>> from_bits([[1, 0, 0, 0, 0, 0, 0, 0, 1]]).packed.tolist()
    [[1, 1]]
    """
    arr = _as_code_matrix(bits, "bits")
    if not np.isin(arr, (0, 1)).all():
        raise ValueError(
            f"bits must hold only 0 and 1, found values {_found_values(arr)}"
        )
    packed = np.packbits(arr.astype(np.uint8), axis=1, bitorder="little")
    return BinaryCodes(packed, arr.shape[1])


def from_signs(signs: Any) -> BinaryCodes:
    """Pack a {-1,+1} matrix of shape (n_codes, n_bits); +1 → bit 1.

    Parameters
    ----------
    signs : array-like of shape (n_codes, n_bits)
        Array holding only -1 and +1.

    Returns
    -------
    BinaryCodes

    Examples
    --------
    >>> from_signs([[1, -1, 1]]).to_bits().tolist()
    [[1, 0, 1]]

    Raises
    ------
    ValueError
        If any value is not exactly -1 or +1 (zeros are refused: a ternary
        code is not a binary code), or the input is not 2-D.
    """
    arr = _as_code_matrix(signs, "signs")
    if not np.isin(arr, (-1, 1)).all():
        raise ValueError(
            f"signs must hold only -1 and +1, found values {_found_values(arr)}"
        )
    return from_bits((arr > 0).astype(np.uint8))


def binarize(x: Any) -> BinaryCodes:
    """Binarise real-valued outputs: ``x >= 0`` → bit 1, ``x < 0`` → bit 0.

    The one rule used for queries and database alike; an exact zero becomes 1.

    Parameters
    ----------
    x : array-like of shape (n_codes, n_bits)
        Real-valued projections.

    Raises
    ------
    ValueError
        If ``x`` holds NaN or infinity, or is not 2-D.

    Examples
    --------
    >>> binarize([[0.0, -0.5, 2.0]]).to_bits().tolist()
    [[1, 0, 1]]
    """
    arr = _as_code_matrix(x, "x")
    check_finite(arr, "x")
    return from_bits((arr >= 0).astype(np.uint8))


def as_codes(x: Any, n_bits: int | None = None, *, name: str = "codes") -> BinaryCodes:
    """Interpret ``x`` as binary codes, refusing anything ambiguous.

    Accepted forms:

    - :class:`BinaryCodes` (``n_bits``, if given, must match);
    - a packed ``uint8`` matrix together with ``n_bits``;
    - a 2-D matrix holding only {0,1}, or only {-1,+1} (``n_bits``, if given,
      must equal its number of columns).

    The one rule that tells the two apart: a ``uint8`` matrix is read as
    packed bytes only when ``n_bits`` is given and its width is
    ``ceil(n_bits / 8)``; without ``n_bits`` it must hold only 0 and 1 and is
    read as one bit per column (as :func:`numpy.unpackbits` returns). Packed
    codes therefore always travel with their bit length.

    Parameters
    ----------
    x : BinaryCodes or array-like of shape (n_codes, n_bytes or n_bits)
        The codes.
    n_bits : int, optional
        Logical bit length; required for packed ``uint8`` input.
    name : str, default="codes"
        Name used in error messages (e.g. a command-line option).

    Returns
    -------
    BinaryCodes

    Examples
    --------
    >>> import numpy as np
    >>> as_codes(np.array([[0x0F, 0x01]], dtype=np.uint8), n_bits=9).to_bits()
    array([[1, 1, 1, 1, 0, 0, 0, 0, 1]], dtype=uint8)
    >>> as_codes([[-1, 1, 1]]).n_bits
    3

    Raises
    ------
    ValueError
        For any other values (e.g. {-1,0,1}, other integers, real numbers) or
        mismatching ``n_bits``. Nothing is silently thresholded: real-valued
        outputs go through :func:`binarize`.
    """
    if isinstance(x, BinaryCodes):
        if n_bits is not None and n_bits != x.n_bits:
            raise ValueError(f"{name} have {x.n_bits} bits, but n_bits={n_bits}")
        return x
    arr = _as_code_matrix(x, name)
    if n_bits is not None and arr.dtype == np.uint8:
        n_bits = check_positive_int(n_bits, "n_bits")
        if arr.shape[1] == (n_bits + 7) // 8:
            return BinaryCodes(arr, n_bits)
        if arr.shape[1] != n_bits:
            raise ValueError(
                f"{name} are uint8 with {arr.shape[1]} columns: packed codes of "
                f"{n_bits} bits need {(n_bits + 7) // 8} bytes per row"
            )
    values = _found_values(arr, limit=None)
    if set(values) <= {0, 1}:
        codes = from_bits(arr)
    elif set(values) <= {-1, 1}:
        codes = from_signs(arr)
    else:
        hint = (
            " (packed uint8 codes need n_bits)"
            if arr.dtype == np.uint8 and n_bits is None
            else ""
        )
        raise ValueError(
            f"{name} must be packed uint8 with n_bits, or hold only {{0,1}} or only "
            f"{{-1,+1}}; found values {_found_values(arr)}{hint}"
        )
    if n_bits is not None and codes.n_bits != n_bits:
        raise ValueError(f"{name} have {codes.n_bits} bits, but n_bits={n_bits}")
    return codes


def save_codes(path: str | os.PathLike[str], codes: BinaryCodes) -> None:
    """Save codes to ``path`` (``.npz``) with their bit length.

    The file holds two arrays, ``packed`` (uint8) and ``n_bits`` (int64). It
    is written next to the target and moved into place, so an existing file
    is never left half-written.

    Parameters
    ----------
    path : str or path-like
        Target file.
    codes : BinaryCodes
        The codes to save.

    Raises
    ------
    TypeError
        If ``codes`` is not :class:`BinaryCodes`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "codes.npz"
    >>> save_codes(path, from_bits([[1, 0, 1]]))
    >>> load_codes(path).n_bits
    3
    """
    if not isinstance(codes, BinaryCodes):
        raise TypeError(f"codes must be BinaryCodes, got {describe(codes)}")
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, packed=codes.packed, n_bits=np.int64(codes.n_bits))
    os.replace(tmp, path)


def load_codes(path: str | os.PathLike[str]) -> BinaryCodes:
    """Load codes saved by :func:`save_codes` (without unpickling anything).

    Parameters
    ----------
    path : str or path-like
        A ``.npz`` file written by :func:`save_codes`.

    Returns
    -------
    BinaryCodes

    Raises
    ------
    ValueError
        If the file does not hold ``packed`` and ``n_bits``.
    """
    with np.load(path, allow_pickle=False) as data:
        if "packed" not in data or "n_bits" not in data:
            raise ValueError(
                f"{path} is not a hashmodal codes file: expected arrays 'packed' "
                f"and 'n_bits', found {sorted(data.files)}"
            )
        return BinaryCodes(data["packed"], int(data["n_bits"]))


def _as_code_matrix(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_codes, n_bits), got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one bit, got shape {arr.shape}")
    return arr


def _found_values(arr: np.ndarray, limit: int | None = 6) -> list:
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        values = [*np.unique(arr[np.isfinite(arr)]).tolist(), "nan/inf"]
    else:
        values = np.unique(arr).tolist()
    return values if limit is None else values[:limit]
