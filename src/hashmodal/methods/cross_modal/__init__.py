"""Cross-modal hashing: learn from paired views, encode from any one view.

Each method is fitted on exactly two paired views (e.g. ``"image"`` and
``"text"``) and encodes new items from either of them alone, so a query of one
modality can be searched among items of the other. Methods that learn unified
codes for their training items keep them in ``train_codes_``.

- :class:`CVH` — cross-view hashing, a generalised eigenproblem (unsupervised);
- :class:`CMFH` — collective matrix factorisation hashing (unsupervised);
- :class:`SCRATCH` — supervised discrete collective matrix factorisation.
"""

from hashmodal.methods.cross_modal._cmfh import CMFH
from hashmodal.methods.cross_modal._cvh import CVH
from hashmodal.methods.cross_modal._scratch import SCRATCH

__all__ = ["CMFH", "CVH", "SCRATCH"]
