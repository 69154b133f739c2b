"""hashmodal: multi-modal hash learning.

Vocabulary used throughout the package:

``n_samples``
    Number of items (rows) in a data matrix.
``n_bits`` / ``n_bytes``
    Logical code length in bits, and the ``ceil(n_bits / 8)`` bytes that hold it.
``n_queries`` / ``n_database``
    Number of query codes and database codes in a search or evaluation.
``views``
    A mapping from modality name (``"image"``, ``"text"``, ...) to a 2-D array
    with one row per item.
``labels``
    Class ids of shape (n_samples,) or a multi-hot matrix (n_samples, n_classes).
``codes``
    Packed ``uint8`` binary codes, least-significant bit first, carried with
    their bit length in :class:`hashmodal.codes.BinaryCodes`.
"""

from hashmodal.codes import BinaryCodes, as_codes, binarize, from_bits, from_signs

__version__ = "0.1.0"

__all__ = [
    "BinaryCodes",
    "__version__",
    "as_codes",
    "binarize",
    "from_bits",
    "from_signs",
]
