"""Single-view hashing methods: one input matrix (a view or all views joined).

Each takes ``view``: the name of the one view it hashes, or None for the
concatenation of all training views in fit order. All are unsupervised.
"""

from hashmodal.methods.single_view._common import SingleViewHasher
from hashmodal.methods.single_view._itq import ITQ
from hashmodal.methods.single_view._lsh import LSH
from hashmodal.methods.single_view._pcah import PCAH
from hashmodal.methods.single_view._sh import SH
from hashmodal.methods.single_view._sklsh import SKLSH

__all__ = ["ITQ", "LSH", "PCAH", "SH", "SKLSH", "SingleViewHasher"]
