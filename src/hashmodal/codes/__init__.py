"""Binary codes: the packed format, binarisation and conversions.

See :class:`BinaryCodes` for the canonical format (packed ``uint8``,
least-significant bit first, logical bit length kept beside the bytes).
"""

from hashmodal.codes._codes import (
    BinaryCodes,
    as_codes,
    binarize,
    from_bits,
    from_signs,
    load_codes,
    n_bytes_for,
    save_codes,
)

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
