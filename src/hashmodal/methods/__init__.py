"""Hashing methods: the estimator contract, the registry and shared solvers.

Every method is a :class:`BaseHasher`: ``fit(views, labels=None)`` then
``encode(views) -> BinaryCodes``. Methods live in one sub-package per family
(``single_view``, ``cross_modal``, ...) and register themselves by name with
:func:`register_method`; :func:`get_method` builds one by name and
:func:`available_methods` lists them all. Deep (PyTorch) methods subclass
:class:`BaseDeepHasher`; PyTorch is needed only to fit or load them.

Examples
--------
>>> import numpy as np
>>> from hashmodal.methods import get_method
>>> X = np.random.default_rng(0).normal(size=(100, 16))
>>> model = get_method("itq", n_bits=8, random_state=0).fit({"image": X})
>>> model.encode({"image": X[:3]}).shape
(3, 8)
"""

from hashmodal.methods._base import (
    FAMILIES,
    FORMAT_VERSION,
    BaseHasher,
    available_methods,
    get_method,
    register_method,
)
from hashmodal.methods._deep import BaseDeepHasher

__all__ = [
    "FAMILIES",
    "FORMAT_VERSION",
    "BaseDeepHasher",
    "BaseHasher",
    "available_methods",
    "get_method",
    "register_method",
]
