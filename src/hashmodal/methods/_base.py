"""The estimator contract every hashing method follows, and the method registry.

A method is a subclass of :class:`BaseHasher` decorated with
:func:`register_method`. It implements ``_fit`` (learn from validated views and
labels) and ``_project`` (real-valued outputs whose signs are the bits), or
``_encode`` when its codes are not the sign of a projection.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import logging
import os
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from hashmodal._validation import (
    NotFittedError,
    check_labels,
    check_positive_int,
    check_views,
    describe,
)
from hashmodal.codes import BinaryCodes, binarize

__all__ = [
    "FAMILIES",
    "FORMAT_VERSION",
    "BaseHasher",
    "available_methods",
    "get_method",
    "register_method",
]

logger = logging.getLogger(__name__)

#: Method families, in the order the registry lists them.
FAMILIES = ("single-view", "cross-modal", "composite", "recommendation")

#: Version of the ``.npz`` model layout written by :meth:`BaseHasher.save`.
FORMAT_VERSION = 1

_FORMAT_TAG = "hashmodal-method"
_META_KEY = "__meta__"
# Family sub-packages imported on first use of the registry, so that every
# built-in method is registered without importing them all at package import.
_FAMILY_PACKAGES = (
    "hashmodal.methods.single_view",
    "hashmodal.methods.cross_modal",
    "hashmodal.methods.composite",
    "hashmodal.methods.recommendation",
)
_REGISTRY: dict[str, type[BaseHasher]] = {}


def register_method(cls: type[BaseHasher]) -> type[BaseHasher]:
    """Class decorator that adds a :class:`BaseHasher` subclass to the registry.

    Parameters
    ----------
    cls : type
        Subclass of :class:`BaseHasher` with the class attributes ``name``
        (registry name, lower case), ``family`` (one of :data:`FAMILIES`) and
        ``requires_labels``.

    Returns
    -------
    type
        ``cls`` itself.

    Raises
    ------
    TypeError
        If ``cls`` is not a :class:`BaseHasher` subclass, lacks one of the class
        attributes, or its ``__init__`` takes ``*args`` / ``**kwargs``.
    ValueError
        If the family is unknown or another class already holds the name.

    Examples
    --------
    >>> from hashmodal.methods import BaseHasher, register_method
    >>> @register_method
    ... class Doc(BaseHasher):
    ...     name = "doc-example"
    ...     family = "composite"
    ...     requires_labels = False
    ...     def __init__(self, n_bits=32, *, random_state=None):
    ...         self.n_bits = n_bits
    ...         self.random_state = random_state
    >>> "doc-example" in available_methods()
    True
    >>> unregister = _REGISTRY.pop("doc-example")
    """
    if not (isinstance(cls, type) and issubclass(cls, BaseHasher)):
        raise TypeError(
            f"register_method expects a BaseHasher subclass, got {describe(cls)}"
        )
    for attr in ("name", "family", "requires_labels"):
        if not hasattr(cls, attr):
            raise TypeError(f"{cls.__name__} must define the class attribute {attr!r}")
    name = cls.name
    if not isinstance(name, str) or not name or name != name.lower():
        raise TypeError(
            f"{cls.__name__}.name must be a non-empty lower-case str, got {name!r}"
        )
    if cls.family not in FAMILIES:
        raise ValueError(
            f"{cls.__name__}.family must be one of {list(FAMILIES)}, got {cls.family!r}"
        )
    if not isinstance(cls.requires_labels, bool):
        raise TypeError(
            f"{cls.__name__}.requires_labels must be a bool, "
            f"got {describe(cls.requires_labels)}"
        )
    cls._get_param_names()  # refuses *args / **kwargs now rather than later
    known = _REGISTRY.get(name)
    if known is not None and known.__qualname__ != cls.__qualname__:
        raise ValueError(
            f"method name {name!r} is already registered by "
            f"{known.__module__}.{known.__qualname__}"
        )
    _REGISTRY[name] = cls
    return cls


def _import_family_packages() -> None:
    for package in _FAMILY_PACKAGES:
        if importlib.util.find_spec(package) is not None:
            importlib.import_module(package)


def available_methods() -> dict[str, type[BaseHasher]]:
    """All registered methods, by family (in :data:`FAMILIES` order) then name.

    Returns
    -------
    dict of str to type
        Registry name → class. A copy: changing it does not change the registry.

    Examples
    --------
    >>> from hashmodal.methods import available_methods
    >>> available_methods()["itq"].__name__
    'ITQ'
    """
    _import_family_packages()
    order = {family: i for i, family in enumerate(FAMILIES)}
    items = sorted(_REGISTRY.items(), key=lambda kv: (order[kv[1].family], kv[0]))
    return dict(items)


def get_method(name: str, **params: Any) -> BaseHasher:
    """Build a registered method by name.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"itq"`` (case-insensitive).
    **params
        Constructor parameters of that method.

    Returns
    -------
    BaseHasher
        An unfitted instance.

    Raises
    ------
    ValueError
        If no method has that name (the message lists the known names).
    TypeError
        If a parameter is not accepted by the method's constructor.

    Examples
    --------
    >>> from hashmodal.methods import get_method
    >>> get_method("lsh", n_bits=16, random_state=0)
    LSH(n_bits=16, random_state=0, view=None)
    """
    methods = available_methods()
    key = name.lower() if isinstance(name, str) else name
    if key not in methods:
        raise ValueError(
            f"unknown method {name!r}; available methods: {', '.join(methods)}"
        )
    cls = methods[key]
    valid = cls._get_param_names()
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise TypeError(
            f"method {key!r} has no parameter(s) {unknown}; "
            f"its parameters are {list(valid)}"
        )
    return cls(**params)


class BaseHasher:
    """Base class of every hashing method: fit on views, encode to binary codes.

    Subclasses set three class attributes and implement two methods:

    - ``name`` : registry name (``"itq"``), ``family`` : one of
      ``"single-view"``, ``"cross-modal"``, ``"composite"``,
      ``"recommendation"``, ``requires_labels`` : whether ``fit`` needs labels;
    - ``_fit(views, labels)`` learns from validated input;
    - ``_project(views)`` returns real outputs of shape (n_samples, n_bits)
      whose signs give the bits (``>= 0`` → 1, see
      :func:`hashmodal.codes.binarize`), or ``_encode(views)`` returns
      :class:`~hashmodal.codes.BinaryCodes` directly.

    The constructor takes ``n_bits`` positionally and everything else by
    keyword, always including ``random_state``, and only stores its arguments
    (as in scikit-learn): parameters are checked in :meth:`fit`.

    Parameters
    ----------
    n_bits : int, default=32
        Code length in bits; must be an integer >= 1 (checked by ``fit``).
    random_state : None, int or numpy.random.Generator, default=None
        Seed of every random choice made by ``fit``.

    Attributes
    ----------
    view_names_ : tuple of str
        Names of the views given to ``fit``, in the order given.
    n_features_ : dict of str to int
        Number of features of each training view.
    n_bits_ : int
        Code length learned with.
    train_codes_ : BinaryCodes or None
        Codes learned for the training items by methods that learn them
        (used as database codes under the protocol "database=train_codes"),
        otherwise ``None``.

    Notes
    -----
    **Inputs.** ``views`` maps a view (modality) name to a 2-D array with one
    row per item; all views have the same rows. ``labels`` are class ids of
    shape (n_samples,) or an indicator matrix of shape (n_samples, n_classes).
    ``_fit`` receives them as a float64 indicator matrix (class ids are one-hot
    encoded over their sorted distinct values), or ``None``.

    **Which views encode.** :meth:`encodable_views` lists the view sets
    ``encode`` accepts and :meth:`can_encode` checks one: a single-view method
    needs exactly the view(s) it was fitted on, a cross-modal method exactly
    one known view, a composite method all views.

    **File layout** (:meth:`save` / :meth:`load`, never pickle). One ``.npz``
    archive holding:

    - ``__meta__``: a 0-d unicode array with a JSON object ``{"format":
      "hashmodal-method", "format_version": 1, "class": ..., "name": ...,
      "hashmodal_version": ..., "params": {...}, "attributes": {...},
      "tuples": [...], "codes": {attr: n_bits}, "array_dicts": {attr: [keys]}}``;
      ``attributes`` holds learned attributes that are JSON values;
    - one array per learned ``ndarray`` attribute (name ending in ``_``) under
      its own name; a :class:`~hashmodal.codes.BinaryCodes` attribute is stored
      as its packed bytes with its bit length in ``codes``; a dict of arrays
      (e.g. one projection per view) as ``attr.0``, ``attr.1``, ... with the
      keys in ``array_dicts``.

    A ``numpy.random.Generator`` given as ``random_state`` is saved as ``None``
    (it only matters for ``fit``).

    **Deep methods** (later) keep this contract. Their common constructor
    parameters are ``device`` (``"cpu"``, ``"cuda"``, ...), ``batch_size``,
    ``epochs``, ``validation_fraction`` (share of training items held out for
    model selection: the best epoch's weights are kept) and ``verbose``
    (progress bar on or off); none of them
    changes the file layout. They override ``_get_state`` / ``_set_state`` to
    store a PyTorch state dict as arrays (``tensor.numpy()``) in the same
    ``.npz``.
    """

    family: ClassVar[str]
    requires_labels: ClassVar[bool]
    name: ClassVar[str]
    #: Whether ``fit`` / ``encode`` accept scipy sparse views.
    accepts_sparse: ClassVar[bool] = False

    def __init__(self, n_bits: int = 32, *, random_state: Any = None) -> None:
        self.n_bits = n_bits
        self.random_state = random_state

    # ------------------------------------------------------------------ params

    @classmethod
    def _get_param_names(cls) -> tuple[str, ...]:
        signature = inspect.signature(cls.__init__)
        names = []
        for param in list(signature.parameters.values())[1:]:
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TypeError(
                    f"{cls.__name__}.__init__ must list its parameters explicitly, "
                    f"not take *args or **kwargs"
                )
            names.append(param.name)
        return tuple(names)

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """Constructor parameters and their current values.

        Parameters
        ----------
        deep : bool, default=False
            Accepted for scikit-learn compatibility; methods hold no nested
            estimators, so it changes nothing.

        Returns
        -------
        dict of str to object

        Examples
        --------
        >>> from hashmodal.methods import get_method
        >>> get_method("pcah", n_bits=8).get_params()
        {'n_bits': 8, 'random_state': None, 'view': None}
        """
        return {key: getattr(self, key) for key in self._get_param_names()}

    def set_params(self, **params: Any) -> Self:
        """Set constructor parameters; takes effect at the next ``fit``.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a name is not a constructor parameter (the message lists them).

        Examples
        --------
        >>> from hashmodal.methods import get_method
        >>> get_method("pcah").set_params(n_bits=16).n_bits
        16
        """
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"{type(self).__name__} has no parameter {key!r}; "
                    f"its parameters are {list(valid)}"
                )
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # ------------------------------------------------------------------ fit

    def fit(self, views: Mapping[str, Any], labels: Any = None) -> Self:
        """Learn the hash functions (and, for some methods, training codes).

        Parameters
        ----------
        views : mapping of str to array-like of shape (n_samples, n_features)
            Training views; every view has the same rows, in the same order.
        labels : array-like of shape (n_samples,) or (n_samples, n_classes), \
default=None
            Class ids or an indicator matrix. Required when
            ``requires_labels`` is true; unsupervised methods ignore them.

        Returns
        -------
        self

        Raises
        ------
        TypeError
            If ``n_bits`` is not an integer, or ``views`` is not a mapping of
            names to numeric 2-D arrays.
        ValueError
            If ``n_bits < 1``; a view is empty, holds NaN/inf or has a different
            row count; labels are missing for a supervised method or have the
            wrong number of rows; or the method cannot use these views.
        """
        n_bits = check_positive_int(self.n_bits, "n_bits")
        views = check_views(views, allow_sparse=self.accepts_sparse)
        n_samples = next(iter(views.values())).shape[0]
        if labels is None and self.requires_labels:
            raise ValueError(
                f"{type(self).__name__} is supervised: fit needs labels of shape "
                f"(n_samples,) or (n_samples, n_classes), got None"
            )
        label_matrix = None if labels is None else _check_labels(labels, n_samples)

        self._clear_learned()
        self.view_names_ = tuple(views)
        self.n_features_ = {key: int(value.shape[1]) for key, value in views.items()}
        self.train_codes_ = None
        self._check_fit_views(views)
        logger.debug(
            "fitting %s with %d bits on %d samples, views %s",
            type(self).__name__,
            n_bits,
            n_samples,
            self.n_features_,
        )
        self.n_bits_ = n_bits
        try:
            self._fit(views, label_matrix)
        except BaseException:
            # A half-fitted model must not look fitted.
            self._clear_learned()
            raise
        return self

    def _check_fit_views(self, views: dict[str, Any]) -> None:
        """Refuse training views the method cannot use (hook; default: none)."""
        if self.family == "cross-modal" and len(views) < 2:
            raise ValueError(
                f"{type(self).__name__} is cross-modal: fit needs at least 2 views, "
                f"got {list(views)}"
            )

    def _fit(self, views: dict[str, Any], labels: np.ndarray | None) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _fit")

    def _clear_learned(self) -> None:
        for key in [k for k in vars(self) if _is_learned_name(k)]:
            delattr(self, key)

    # ------------------------------------------------------------------ encode

    def encodable_views(self) -> list[tuple[str, ...]]:
        """The view sets ``encode`` accepts, each in fit order.

        Returns
        -------
        list of tuple of str

        Raises
        ------
        NotFittedError
            Before ``fit``.
        """
        self._check_is_fitted()
        if self.family == "cross-modal":
            return [(name,) for name in self.view_names_]
        return [tuple(self.view_names_)]

    def can_encode(self, view_names: Iterable[str]) -> bool:
        """Whether ``encode`` accepts exactly these views.

        Parameters
        ----------
        view_names : iterable of str

        Returns
        -------
        bool

        Raises
        ------
        NotFittedError
            Before ``fit``.
        """
        wanted = set(view_names)
        return any(wanted == set(group) for group in self.encodable_views())

    def encode(self, views: Mapping[str, Any]) -> BinaryCodes:
        """Binary codes of new items.

        Encoding an item never depends on the other items of the batch.

        Parameters
        ----------
        views : mapping of str to array-like of shape (n_samples, n_features)
            One of the view sets in :meth:`encodable_views`.

        Returns
        -------
        BinaryCodes of shape (n_samples, n_bits)

        Raises
        ------
        NotFittedError
            If ``fit`` was not called.
        ValueError
            If a view name is unknown, a view has a different number of
            features than in ``fit``, or the set of views is not one the method
            encodes from.
        """
        self._check_is_fitted()
        views = check_views(views, allow_sparse=self.accepts_sparse)
        unknown = [key for key in views if key not in self.n_features_]
        if unknown:
            raise ValueError(
                f"unknown view(s) {unknown}; {type(self).__name__} was fitted on "
                f"views {list(self.view_names_)}"
            )
        for key, value in views.items():
            if value.shape[1] != self.n_features_[key]:
                raise ValueError(
                    f"view {key!r} has {value.shape[1]} features, but "
                    f"{type(self).__name__} was fitted with "
                    f"{self.n_features_[key]}"
                )
        if not self.can_encode(views):
            raise ValueError(
                f"{type(self).__name__} cannot encode from views {list(views)}; "
                f"it needs one of these view sets: "
                + "; ".join(
                    "{" + " + ".join(group) + "}" for group in self.encodable_views()
                )
            )
        codes = self._encode(views)
        n_samples = next(iter(views.values())).shape[0]
        if codes.shape != (n_samples, self.n_bits_):
            raise RuntimeError(
                f"{type(self).__name__} produced codes of shape {codes.shape}, "
                f"expected {(n_samples, self.n_bits_)}"
            )
        return codes

    def _encode(self, views: dict[str, Any]) -> BinaryCodes:
        return binarize(self._project(views))

    def _project(self, views: dict[str, Any]) -> np.ndarray:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _project or _encode"
        )

    def _check_is_fitted(self) -> None:
        if "n_bits_" not in vars(self):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet; call fit(views) "
                f"before using it"
            )

    # ------------------------------------------------------------------ files

    def _get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Learned state as (JSON-able metadata, arrays) for :meth:`save`.

        The default collects every public attribute whose name ends with
        ``_``. Deep methods extend it with their network weights.
        """
        attributes: dict[str, Any] = {}
        tuples: list[str] = []
        codes: dict[str, int] = {}
        array_dicts: dict[str, list[str]] = {}
        arrays: dict[str, np.ndarray] = {}
        for key, value in vars(self).items():
            if not _is_learned_name(key):
                continue
            if isinstance(value, BinaryCodes):
                arrays[key] = value.packed
                codes[key] = value.n_bits
            elif isinstance(value, np.ndarray):
                if value.dtype.kind not in "biufcU":
                    raise TypeError(
                        f"cannot save attribute {key!r} of dtype {value.dtype} "
                        f"without pickle"
                    )
                arrays[key] = value
            elif (
                isinstance(value, dict)
                and value
                and all(isinstance(v, np.ndarray) for v in value.values())
            ):
                array_dicts[key] = [str(k) for k in value]
                for i, v in enumerate(value.values()):
                    arrays[f"{key}.{i}"] = v
            else:
                if isinstance(value, tuple):
                    tuples.append(key)
                attributes[key] = _to_json(value, key)
        meta = {
            "attributes": attributes,
            "tuples": tuples,
            "codes": codes,
            "array_dicts": array_dicts,
        }
        return meta, arrays

    def _set_state(self, meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> None:
        """Restore what :meth:`_get_state` returned (inverse hook)."""
        for key, value in meta["attributes"].items():
            setattr(self, key, tuple(value) if key in meta["tuples"] else value)
        for key, n_bits in meta["codes"].items():
            setattr(self, key, BinaryCodes(np.asarray(arrays[key]), n_bits))
        for key, names in meta["array_dicts"].items():
            setattr(
                self,
                key,
                {
                    name: np.asarray(arrays[f"{key}.{i}"])
                    for i, name in enumerate(names)
                },
            )
        for key, value in arrays.items():
            if key in meta["codes"] or "." in key:
                continue
            setattr(self, key, np.asarray(value))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the fitted method to one ``.npz`` file (no pickle).

        The layout is described in the class docstring. The file is written
        next to ``path`` and moved into place.

        Parameters
        ----------
        path : str or path-like
            Target file; numpy adds no suffix (the name is used as given).

        Raises
        ------
        NotFittedError
            If ``fit`` was not called.
        TypeError
            If a parameter or learned attribute cannot be stored as JSON or a
            plain array.
        """
        from hashmodal import __version__

        self._check_is_fitted()
        params = {}
        for key, value in self.get_params().items():
            if key == "random_state" and isinstance(value, np.random.Generator):
                value = None
            params[key] = _to_json(value, f"parameter {key}")
        state, arrays = self._get_state()
        clash = sorted(set(arrays) & {_META_KEY})
        if clash:
            raise TypeError(f"attribute name {clash[0]!r} is reserved")
        meta = {
            "format": _FORMAT_TAG,
            "format_version": FORMAT_VERSION,
            "class": type(self).__name__,
            "name": self.name,
            "hashmodal_version": __version__,
            "params": params,
            **state,
        }
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, **{_META_KEY: np.array(json.dumps(meta))}, **arrays)
        os.replace(tmp, path)
        logger.info("saved %s to %s", type(self).__name__, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> BaseHasher:
        """Load a method saved by :meth:`save`.

        ``BaseHasher.load`` returns an instance of whichever registered class
        wrote the file; ``ITQ.load`` (a subclass) refuses files of any other
        class.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        BaseHasher
            The fitted method.

        Raises
        ------
        ValueError
            If the file is not a hashmodal model file (not an ``.npz``, no
            metadata, or it would need pickle), was written by a newer,
            incompatible format version, names an unknown method, or holds a
            different class than the one ``load`` was called on.

        Examples
        --------
        >>> import numpy as np, tempfile, os
        >>> from hashmodal.methods import BaseHasher, get_method
        >>> X = np.random.default_rng(0).normal(size=(50, 6))
        >>> model = get_method("itq", n_bits=4, random_state=0).fit({"x": X})
        >>> path = os.path.join(tempfile.mkdtemp(), "itq.npz")
        >>> model.save(path)
        >>> BaseHasher.load(path).encode({"x": X}) == model.encode({"x": X})
        True
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                if not hasattr(data, "files") or _META_KEY not in data.files:
                    raise ValueError("no __meta__ entry")
                meta = json.loads(str(data[_META_KEY]))
                arrays = {k: data[k] for k in data.files if k != _META_KEY}
        except FileNotFoundError:
            raise
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
            raise ValueError(f"{path} is not a hashmodal model file ({exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT_TAG:
            raise ValueError(
                f"{path} is not a hashmodal model file: its metadata has no "
                f"format {_FORMAT_TAG!r}"
            )
        version = meta.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ValueError(
                f"{path} uses model format version {version!r}, written by "
                f"hashmodal {meta.get('hashmodal_version')}; this version reads "
                f"format versions up to {FORMAT_VERSION}: upgrade hashmodal"
            )
        methods = available_methods()
        target = methods.get(meta.get("name"))
        if target is None:
            raise ValueError(
                f"{path} holds method {meta.get('name')!r}, which is not registered; "
                f"available methods: {', '.join(methods)}"
            )
        if not issubclass(target, cls):
            raise ValueError(
                f"{path} holds a {meta.get('class')} model ({meta.get('name')!r}), "
                f"not a {cls.__name__}; load it with BaseHasher.load"
            )
        try:
            model = target(**meta["params"])
            model._set_state(meta, arrays)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"{path} holds an inconsistent model file: {exc}"
            ) from None
        model._check_is_fitted()
        return model


def _is_learned_name(key: str) -> bool:
    return key.endswith("_") and not key.startswith("_")


def _to_json(value: Any, what: str) -> Any:
    """Convert ``value`` to plain JSON types, refusing what JSON cannot hold."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return [_to_json(v, what) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"cannot save {what}: dict keys must be str")
        return {k: _to_json(v, what) for k, v in value.items()}
    raise TypeError(f"cannot save {what} as JSON: got {describe(value)}")


def _check_labels(labels: Any, n_samples: int) -> np.ndarray:
    """Validate labels and return a float64 indicator matrix (n_samples, n_classes)."""
    arr = check_labels(labels)
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"labels have {arr.shape[0]} rows but the views have {n_samples}"
        )
    if arr.ndim == 2:
        return arr.astype(np.float64)
    _, ids = np.unique(arr, return_inverse=True)
    one_hot = np.zeros((n_samples, int(ids.max()) + 1))
    one_hot[np.arange(n_samples), ids] = 1.0
    return one_hot
