"""Shared machinery of deep (PyTorch) hashing methods: :class:`BaseDeepHasher`.

A deep method is a :class:`~hashmodal.methods.BaseHasher` whose hash functions
are PyTorch modules. :class:`BaseDeepHasher` owns everything the methods have
in common (seeding, the device, mini-batches, epochs, the validation split and
model selection, the progress bar, saving the weights without pickle), so a
method only describes its networks, its loss and how codes are read out.

PyTorch is optional: this module imports it only when a deep method is
fitted, used or loaded, and raises an :class:`ImportError` that says how to
install it (``pip install 'hashmodal[deep]'``) when it is missing.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import math
from collections.abc import Iterator, Mapping
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np

from hashmodal._validation import check_positive_int, check_random_state, describe
from hashmodal.codes import binarize
from hashmodal.methods._base import BaseHasher

if TYPE_CHECKING:
    import torch

__all__ = ["BaseDeepHasher", "resolve_device"]

logger = logging.getLogger(__name__)

#: Prefix of the ``.npz`` keys that hold module weights:
#: ``module/<module name>/<state-dict key>``.
MODULE_PREFIX = "module/"

_SEED_BOUND = 2**63 - 1
_DEVICE_HELP = "'auto' or a torch device string such as 'cpu', 'cuda' or 'cuda:1'"
_INSTALL_HELP = (
    "deep hashing methods need PyTorch, which is not installed; install it with "
    "pip install 'hashmodal[deep]'"
)


def _import_torch() -> Any:
    """Import PyTorch, or raise an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as exc:
        raise ImportError(_INSTALL_HELP) from exc
    return torch


def resolve_device(device: Any) -> torch.device:
    """Turn a ``device`` parameter into a usable ``torch.device``.

    Parameters
    ----------
    device : str
        ``"auto"`` (CUDA when available, else the CPU) or any torch device
        string (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, ...).

    Returns
    -------
    torch.device

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    TypeError
        If ``device`` is not a str.
    ValueError
        If the string is not a device, or names a device this machine does not
        have (e.g. ``"cuda"`` without a GPU).

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    torch = _import_torch()
    if not isinstance(device, str):
        raise TypeError(f"device must be {_DEVICE_HELP}, got {describe(device)}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, ValueError):
        raise ValueError(f"device must be {_DEVICE_HELP}, got {device!r}") from None
    if resolved.type == "meta":
        raise ValueError(
            f"device must be {_DEVICE_HELP}, got {device!r} (a meta device holds "
            f"no values)"
        )
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device {device!r} needs CUDA, which is not available on this "
                f"machine; use device='cpu' or device='auto'"
            )
        count = torch.cuda.device_count()
        if resolved.index is not None and resolved.index >= count:
            raise ValueError(
                f"device {device!r} does not exist: this machine has {count} CUDA "
                f"device(s), cuda:0 to cuda:{count - 1}"
            )
    elif resolved.type != "cpu":
        try:
            torch.empty(0, device=resolved)
        except (RuntimeError, ValueError, AssertionError) as exc:
            raise ValueError(
                f"device {device!r} cannot be used on this machine ({exc}); "
                f"use device='cpu' or device='auto'"
            ) from None
    return resolved


@contextlib.contextmanager
def _seeded_rng(torch: Any, device: torch.device, seed: int) -> Iterator[None]:
    """Seed the global torch RNG of the CPU (and of ``device``) inside a fork.

    On exit the caller's RNG states are restored, so fitting never changes
    the global random streams; inside, operations that draw from the global
    RNG (parameter initialisation, dropout) are reproducible.
    """
    devices = []
    if device.type == "cuda":
        index = (
            device.index if device.index is not None else torch.cuda.current_device()
        )
        devices = [index]
    with torch.random.fork_rng(devices=devices, device_type="cuda"):
        torch.random.default_generator.manual_seed(seed)
        if devices:
            with torch.cuda.device(devices[0]):
                torch.cuda.manual_seed(seed)
        yield


def _check_fraction(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number in [0, 1), got {describe(value)}")
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return value


def _check_positive_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number > 0, got {describe(value)}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def _check_verbose(value: Any) -> bool:
    if not isinstance(value, Integral):
        raise TypeError(f"verbose must be a bool, got {describe(value)}")
    return bool(value)


def validation_split(
    n_samples: int, validation_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded split of ``n_samples`` training rows into (train, validation).

    ``ceil(validation_fraction · n_samples)`` rows, drawn uniformly without
    replacement, are held out; both index arrays are sorted. A fraction of 0
    holds out nothing.

    Parameters
    ----------
    n_samples : int
        Number of training rows.
    validation_fraction : float
        Share of the rows to hold out, in [0, 1) (checked by the caller).
    rng : numpy.random.Generator
        Source of the draw.

    Returns
    -------
    train : ndarray of shape (n_samples - n_validation,), int64
    validation : ndarray of shape (n_validation,), int64

    Raises
    ------
    ValueError
        If the fraction holds out fewer than 2 rows or leaves none to train on.

    Examples
    --------
    >>> import numpy as np
    >>> train, held_out = validation_split(10, 0.3, np.random.default_rng(0))
    >>> len(train), len(held_out)
    (7, 3)
    """
    if validation_fraction == 0.0:
        return np.arange(n_samples, dtype=np.int64), np.empty(0, dtype=np.int64)
    # The tolerance keeps 0.3 * 10 = 3.0000000000000004 at 3 rows.
    n_validation = math.ceil(validation_fraction * n_samples - 1e-9)
    if n_validation < 2 or n_validation >= n_samples:
        raise ValueError(
            f"validation_fraction={validation_fraction} holds out {n_validation} of "
            f"{n_samples} training items; a validation split needs at least 2 "
            f"held-out items and 1 left for training (use 0 for no validation)"
        )
    order = rng.permutation(n_samples)
    return np.sort(order[n_validation:]), np.sort(order[:n_validation])


class BaseDeepHasher(BaseHasher):
    """Base class of deep hashing methods: PyTorch modules trained by mini-batches.

    ``fit`` validates the parameters, holds out a seeded validation split,
    builds the modules with a seed drawn from ``random_state``, trains them
    for ``epochs`` passes over mini-batches drawn from a seeded permutation,
    and keeps the weights of the epoch with the best validation score.
    ``encode`` runs the modules in evaluation mode without gradients, a batch
    at a time, and binarises their real-valued outputs (``>= 0`` → 1).

    **How a method plugs in.** A subclass sets ``name``, ``family`` and
    ``requires_labels``, decorates itself with
    :func:`~hashmodal.methods.register_method`, lists its own
    hyper-parameters after the common ones in ``__init__`` (storing them
    only), and implements three hooks:

    - ``_build_modules(n_features) -> torch.nn.ModuleDict``: the networks,
      given ``n_features`` (view name → number of features) and
      ``self.n_bits_``. Called under a seeded RNG, so the default PyTorch
      initialisation is reproducible. It is called again by :meth:`load`,
      so it must depend only on its argument and the constructor parameters.
    - ``_training_step(modules, batch, labels, indices) -> torch.Tensor``:
      the scalar loss of one mini-batch. ``batch`` maps every view name to a
      float32 tensor (batch_size, n_features) on the device; ``labels`` is a
      float32 indicator tensor (batch_size, n_classes) or ``None``;
      ``indices`` (int64 tensor) are the batch rows' positions in the
      training split, or ``None`` when the loss is evaluated on validation
      items.
    - ``_forward_codes(modules, views) -> torch.Tensor``: real-valued outputs
      (n, n_bits) whose signs are the bits, from one view set of
      :meth:`encodable_views` (a single view for a cross-modal method).
      Runs in evaluation mode, so it must not use batch statistics.

    Optional hooks: ``_configure_optimizers(modules)`` (default: Adam with
    ``learning_rate``); ``_prepare_training(views, labels)`` (called once with
    the training split as float32 arrays, e.g. to build a neighbour graph);
    ``_train_batch(modules, optimizer, batch, labels, indices) -> float``
    (default: zero the gradients, backpropagate ``_training_step``, step; a
    method with several optimisers or alternating updates overrides it);
    ``_validation_score(modules, views, labels) -> (metric, value)`` (default
    below). Hooks that need randomness draw from ``self._torch_generator``
    (a ``torch.Generator`` on the device) or ``self._numpy_rng``, both seeded
    from ``random_state`` and present only while ``fit`` runs; operations
    that use PyTorch's global RNG (dropout) are seeded too, inside a fork that
    leaves the caller's RNG untouched.

    Parameters
    ----------
    n_bits : int, default=32
        Code length in bits.
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the initial weights, the validation split, the batch order and
        every other random draw. Two fits with the same seed on the CPU give
        identical codes.
    device : str, default="auto"
        ``"auto"`` (CUDA when available, else the CPU) or a torch device
        string (``"cpu"``, ``"cuda:1"``, ...). Checked by ``fit`` and by
        ``encode``, which moves the modules there (so a model saved on a GPU
        machine encodes on the CPU after ``set_params(device="cpu")``).
    batch_size : int, default=64
        Items per training step, and per forward pass when encoding.
    epochs : int, default=50
        Passes over the training split.
    learning_rate : float, default=1e-3
        Step size of the default optimiser.
    validation_fraction : float, default=0.0
        Share of the training items held out for model selection:
        ``ceil(validation_fraction · n_samples)`` items, at least 2. 0 holds
        out nothing and keeps the last epoch.
    verbose : bool, default=False
        Show a progress bar over epochs (on stderr), described by the class
        name, with the training loss and validation score.

    Attributes
    ----------
    modules_ : torch.nn.ModuleDict
        The trained networks, with the weights of epoch ``best_epoch_``.
    history_ : dict of str to list
        ``"train_loss"``: mean training loss of each epoch;
        ``"validation_score"``: validation score after each epoch (``None``
        without a validation split).
    validation_metric_ : str or None
        What ``validation_score`` holds: ``"map"`` (higher is better),
        ``"loss"`` (lower is better), another name returned by
        ``_validation_score`` (higher is better), or ``None``.
    best_epoch_ : int
        0-based index into the ``history_`` lists of the epoch whose weights
        were kept: the best validation score (the first one on ties), or the
        last epoch without a validation split.
    validation_indices_ : ndarray of shape (n_validation,), int64
        Sorted rows of the training views held out for validation.

    See :class:`~hashmodal.methods.BaseHasher` for ``view_names_``,
    ``n_features_``, ``n_bits_`` and ``train_codes_``.

    Notes
    -----
    **Model selection.** After each epoch the modules are scored on the
    validation split by ``_validation_score``. The default is the mAP
    (:func:`hashmodal.metrics.mean_average_precision`, whole ranking,
    expected tie order, an item never retrieving itself) of the held-out
    items' codes against each other, averaged over every ordered pair of
    distinct view sets in :meth:`encodable_views` (image → text and text →
    image for a cross-modal method) or the single view set with itself. The
    labels given to ``fit`` are used for it even by unsupervised methods.
    Without labels the score is the mean ``_training_step`` loss on the
    validation split (``indices=None``), evaluated without gradients.

    **Errors.** Besides the errors of :meth:`BaseHasher.fit
    <hashmodal.methods.BaseHasher.fit>`, ``fit`` raises ``ImportError`` when
    PyTorch is missing, ``TypeError`` / ``ValueError`` naming the parameter
    for a bad ``device``, ``batch_size``, ``epochs``, ``learning_rate``,
    ``validation_fraction`` or ``verbose``, and ``FloatingPointError`` when
    an epoch's training loss is not finite.

    **Files.** :meth:`save` writes the layout of
    :class:`~hashmodal.methods.BaseHasher` (never pickle) plus every module's
    ``state_dict()`` as arrays under ``module/<module name>/<key>`` and, in
    the JSON metadata, ``"modules": {module name: [keys]}``. :meth:`load`
    rebuilds the modules with ``_build_modules`` and loads those arrays
    strictly; the loaded model encodes identically.

    Examples
    --------
    A cross-modal method with one linear layer per view, trained to give both
    views of an item the same signs:

    >>> import numpy as np, torch
    >>> from hashmodal.methods._deep import BaseDeepHasher
    >>> class PairedLinear(BaseDeepHasher):
    ...     name, family, requires_labels = "paired-linear", "cross-modal", False
    ...     def _build_modules(self, n_features):
    ...         return torch.nn.ModuleDict(
    ...             {v: torch.nn.Linear(d, self.n_bits_) for v, d in n_features.items()}
    ...         )
    ...     def _training_step(self, modules, batch, labels, indices):
    ...         a, b = (torch.tanh(modules[v](x)) for v, x in batch.items())
    ...         return ((a - b) ** 2).mean() + ((a.abs() - 1) ** 2).mean()
    ...     def _forward_codes(self, modules, views):
    ...         (view, x), = views.items()
    ...         return modules[view](x)
    >>> rng = np.random.default_rng(0)
    >>> views = {"image": rng.normal(size=(64, 10)), "text": rng.normal(size=(64, 6))}
    >>> model = PairedLinear(8, random_state=0, device="cpu", epochs=3).fit(views)
    >>> model.encode({"text": views["text"][:5]}).shape
    (5, 8)
    >>> len(model.history_["train_loss"]), model.best_epoch_
    (3, 2)
    """

    def __init__(
        self,
        n_bits: int = 32,
        *,
        random_state: Any = None,
        device: str = "auto",
        batch_size: int = 64,
        epochs: int = 50,
        learning_rate: float = 1e-3,
        validation_fraction: float = 0.0,
        verbose: bool = False,
    ) -> None:
        self.n_bits = n_bits
        self.random_state = random_state
        self.device = device
        self.batch_size = batch_size
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.verbose = verbose

    # ------------------------------------------------------------------ hooks

    def _build_modules(self, n_features: dict[str, int]) -> torch.nn.ModuleDict:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _build_modules"
        )

    def _training_step(
        self,
        modules: torch.nn.ModuleDict,
        batch: dict[str, torch.Tensor],
        labels: torch.Tensor | None,
        indices: torch.Tensor | None,
    ) -> torch.Tensor:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _training_step"
        )

    def _forward_codes(
        self, modules: torch.nn.ModuleDict, views: dict[str, torch.Tensor]
    ) -> torch.Tensor:
        raise NotImplementedError(
            f"{type(self).__name__} must implement _forward_codes"
        )

    def _configure_optimizers(self, modules: torch.nn.ModuleDict) -> Any:
        """The optimiser (default: Adam over all parameters, ``learning_rate``)."""
        torch = _import_torch()
        return torch.optim.Adam(modules.parameters(), lr=float(self.learning_rate))

    def _prepare_training(
        self, views: dict[str, np.ndarray], labels: np.ndarray | None
    ) -> None:
        """Called once before the first epoch with the training split (no-op)."""

    def _train_batch(
        self,
        modules: torch.nn.ModuleDict,
        optimizer: Any,
        batch: dict[str, torch.Tensor],
        labels: torch.Tensor | None,
        indices: torch.Tensor,
    ) -> float:
        """One optimisation step on one mini-batch; returns the batch loss."""
        optimizer.zero_grad(set_to_none=True)
        loss = self._checked_loss(self._training_step(modules, batch, labels, indices))
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    def _validation_score(
        self,
        modules: torch.nn.ModuleDict,
        views: dict[str, np.ndarray],
        labels: np.ndarray | None,
    ) -> tuple[str, float]:
        """Score of the modules on the validation split (see Notes)."""
        if labels is not None:
            return "map", self._validation_map(modules, views, labels)
        return "loss", self._validation_loss(modules, views)

    # ------------------------------------------------------------------ fit

    def _fit(self, views: dict[str, Any], labels: np.ndarray | None) -> None:
        torch = _import_torch()
        device = resolve_device(self.device)
        batch_size = check_positive_int(self.batch_size, "batch_size")
        epochs = check_positive_int(self.epochs, "epochs")
        _check_positive_float(self.learning_rate, "learning_rate")
        fraction = _check_fraction(self.validation_fraction, "validation_fraction")
        verbose = _check_verbose(self.verbose)

        rng = check_random_state(self.random_state)
        init_seed, loop_seed, generator_seed = (
            int(seed) for seed in rng.integers(_SEED_BOUND, size=3)
        )
        n_samples = next(iter(views.values())).shape[0]
        train_rows, validation_rows = validation_split(n_samples, fraction, rng)
        data = {
            key: np.asarray(value, dtype=np.float32) for key, value in views.items()
        }
        targets = None if labels is None else labels.astype(np.float32)
        train_views = {key: value[train_rows] for key, value in data.items()}
        train_labels = None if targets is None else targets[train_rows]
        validation_views = {key: value[validation_rows] for key, value in data.items()}
        validation_labels = None if labels is None else labels[validation_rows]

        modules = self._new_modules(init_seed).to(device)
        optimizer = self._configure_optimizers(modules)
        self._device = device
        self._batch_size = batch_size
        self._numpy_rng = rng
        self._torch_generator = torch.Generator(device=device)
        self._torch_generator.manual_seed(generator_seed)
        try:
            with _seeded_rng(torch, device, loop_seed):
                self._prepare_training(train_views, train_labels)
                history, metric, best_epoch = self._train(
                    modules,
                    optimizer,
                    (train_views, train_labels),
                    (validation_views, validation_labels),
                    epochs,
                    verbose,
                )
        finally:
            for key in ("_device", "_batch_size", "_numpy_rng", "_torch_generator"):
                vars(self).pop(key, None)

        modules.eval()
        self.modules_ = modules
        self.history_ = history
        self.validation_metric_ = metric
        self.best_epoch_ = best_epoch
        self.validation_indices_ = validation_rows
        logger.info(
            "%s trained for %d epochs on %d items; kept the weights after epoch %d/%d",
            type(self).__name__,
            epochs,
            train_rows.size,
            best_epoch + 1,
            epochs,
        )

    def _new_modules(self, seed: int) -> torch.nn.ModuleDict:
        """``_build_modules`` on the CPU under a seeded, forked RNG, checked."""
        torch = _import_torch()
        with _seeded_rng(torch, torch.device("cpu"), seed):
            modules = self._build_modules(dict(self.n_features_))
        if not isinstance(modules, torch.nn.ModuleDict):
            raise TypeError(
                f"{type(self).__name__}._build_modules must return a "
                f"torch.nn.ModuleDict, got {describe(modules)}"
            )
        bad = [name for name in modules if "/" in name]
        if bad:
            raise ValueError(
                f"{type(self).__name__}._build_modules returned module name(s) "
                f"{bad}; names must not contain '/'"
            )
        return modules

    def _train(
        self,
        modules: torch.nn.ModuleDict,
        optimizer: Any,
        train: tuple[dict[str, np.ndarray], np.ndarray | None],
        validation: tuple[dict[str, np.ndarray], np.ndarray | None],
        epochs: int,
        verbose: bool,
    ) -> tuple[dict[str, list[Any]], str | None, int]:
        """The epoch loop with model selection; returns (history, metric, best)."""
        from tqdm import tqdm

        torch = _import_torch()
        train_views, train_labels = train
        validation_views, validation_labels = validation
        n_train = next(iter(train_views.values())).shape[0]
        has_validation = next(iter(validation_views.values())).shape[0] > 0
        history: dict[str, list[Any]] = {"train_loss": [], "validation_score": []}
        metric = None
        best_epoch, best_score, best_state = epochs - 1, None, None

        progress = tqdm(
            range(epochs), desc=type(self).__name__, unit="epoch", disable=not verbose
        )
        for epoch in progress:
            modules.train()
            order = self._numpy_rng.permutation(n_train)
            total = 0.0
            for start in range(0, n_train, self._batch_size):
                rows = order[start : start + self._batch_size]
                batch = self._to_device(train_views, rows)
                batch_labels = (
                    None
                    if train_labels is None
                    else torch.from_numpy(train_labels[rows]).to(self._device)
                )
                indices = torch.from_numpy(rows).to(self._device)
                loss = self._train_batch(
                    modules, optimizer, batch, batch_labels, indices
                )
                total += loss * rows.size
            train_loss = total / n_train
            if not math.isfinite(train_loss):
                raise FloatingPointError(
                    f"{type(self).__name__} training loss is {train_loss} at epoch "
                    f"{epoch + 1}; lower learning_rate (now {self.learning_rate!r}) "
                    f"or scale the input features"
                )

            score = None
            if has_validation:
                modules.eval()
                with torch.no_grad():
                    metric, score = self._validation_score(
                        modules, validation_views, validation_labels
                    )
                score = float(score)
                if _improves(score, best_score, metric):
                    best_epoch, best_score = epoch, score
                    best_state = {
                        key: value.detach().clone()
                        for key, value in modules.state_dict().items()
                    }
            history["train_loss"].append(train_loss)
            history["validation_score"].append(score)
            progress.set_postfix(
                train_loss=f"{train_loss:.4g}",
                **({} if score is None else {metric: f"{score:.4g}"}),
            )
            logger.debug(
                "%s epoch %d/%d: train loss %.6g, validation %s %s",
                type(self).__name__,
                epoch + 1,
                epochs,
                train_loss,
                metric,
                score,
            )
        progress.close()

        if has_validation and best_state is None:
            logger.warning(
                "%s: no epoch had a finite validation score; keeping the last epoch",
                type(self).__name__,
            )
        elif best_state is not None:
            modules.load_state_dict(best_state)
        return history, metric, best_epoch

    @staticmethod
    def _checked_loss(loss: Any) -> torch.Tensor:
        torch = _import_torch()
        if not isinstance(loss, torch.Tensor):
            raise TypeError(
                f"_training_step must return a scalar torch.Tensor, "
                f"got {describe(loss)}"
            )
        if loss.ndim != 0:
            raise TypeError(
                f"_training_step must return a scalar torch.Tensor, got a tensor of "
                f"shape {tuple(loss.shape)}"
            )
        return loss

    def _to_device(
        self, views: Mapping[str, np.ndarray], rows: Any = slice(None)
    ) -> dict[str, torch.Tensor]:
        torch = _import_torch()
        return {
            key: torch.from_numpy(
                np.ascontiguousarray(value[rows], dtype=np.float32)
            ).to(self._device)
            for key, value in views.items()
        }

    def _validation_map(
        self,
        modules: torch.nn.ModuleDict,
        views: dict[str, np.ndarray],
        labels: np.ndarray,
    ) -> float:
        from hashmodal.metrics import mean_average_precision

        relevance_labels = labels.astype(np.uint8)
        codes = [
            binarize(
                self._predict(
                    modules,
                    {key: views[key] for key in group},
                    self._device,
                    self._batch_size,
                )
            )
            for group in self.encodable_views()
        ]
        pairs = [(i, j) for i in range(len(codes)) for j in range(len(codes)) if i != j]
        scores = [
            mean_average_precision(
                codes[i], codes[j], relevance_labels, relevance_labels, same_set=True
            ).value
            for i, j in (pairs or [(0, 0)])
        ]
        return float(np.mean(scores))

    def _validation_loss(
        self, modules: torch.nn.ModuleDict, views: dict[str, np.ndarray]
    ) -> float:
        n_samples = next(iter(views.values())).shape[0]
        total = 0.0
        for start in range(0, n_samples, self._batch_size):
            stop = min(start + self._batch_size, n_samples)
            batch = self._to_device(views, slice(start, stop))
            loss = self._training_step(modules, batch, None, None)
            total += float(self._checked_loss(loss)) * (stop - start)
        return total / n_samples

    # ------------------------------------------------------------------ encode

    def _project(self, views: dict[str, Any]) -> np.ndarray:
        device = resolve_device(self.device)
        batch_size = check_positive_int(self.batch_size, "batch_size")
        self.modules_.to(device)
        return self._predict(self.modules_, views, device, batch_size)

    def _predict(
        self,
        modules: torch.nn.ModuleDict,
        views: Mapping[str, Any],
        device: torch.device,
        batch_size: int,
    ) -> np.ndarray:
        """``_forward_codes`` in evaluation mode, batch by batch, as float64."""
        torch = _import_torch()
        n_samples = next(iter(views.values())).shape[0]
        modules.eval()
        outputs = []
        with torch.no_grad():
            for start in range(0, n_samples, batch_size):
                batch = {
                    key: torch.from_numpy(
                        np.ascontiguousarray(
                            value[start : start + batch_size], dtype=np.float32
                        )
                    ).to(device)
                    for key, value in views.items()
                }
                out = self._forward_codes(modules, batch)
                n_rows = next(iter(batch.values())).shape[0]
                if not isinstance(out, torch.Tensor) or tuple(out.shape) != (
                    n_rows,
                    self.n_bits_,
                ):
                    got = (
                        tuple(out.shape)
                        if isinstance(out, torch.Tensor)
                        else describe(out)
                    )
                    raise RuntimeError(
                        f"{type(self).__name__}._forward_codes must return a tensor "
                        f"of shape {(n_rows, self.n_bits_)}, got {got}"
                    )
                outputs.append(out.detach().to("cpu", torch.float64).numpy())
        return np.concatenate(outputs, axis=0)

    # ------------------------------------------------------------------ files

    def _get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        # The base collects every other learned attribute; the modules are
        # stored here as arrays instead.
        shadow = copy.copy(self)
        del shadow.modules_
        meta, arrays = BaseHasher._get_state(shadow)
        layout: dict[str, list[str]] = {}
        for name, module in self.modules_.items():
            layout[name] = []
            for key, tensor in module.state_dict().items():
                layout[name].append(key)
                arrays[f"{MODULE_PREFIX}{name}/{key}"] = _to_numpy(tensor, name, key)
        meta["modules"] = layout
        return meta, arrays

    def _set_state(self, meta: Mapping[str, Any], arrays: Mapping[str, Any]) -> None:
        torch = _import_torch()
        weights = {k: v for k, v in arrays.items() if k.startswith(MODULE_PREFIX)}
        others = {k: v for k, v in arrays.items() if not k.startswith(MODULE_PREFIX)}
        super()._set_state(meta, others)
        layout = meta["modules"]
        modules = self._new_modules(0)
        if not isinstance(layout, dict) or set(layout) != set(modules):
            found = sorted(layout) if isinstance(layout, dict) else layout
            raise ValueError(
                f"the file holds modules {found}, but {type(self).__name__} "
                f"builds {sorted(modules)}"
            )
        expected = {
            f"{MODULE_PREFIX}{n}/{k}" for n, keys in layout.items() for k in keys
        }
        if expected != set(weights):
            odd = sorted(expected.symmetric_difference(weights))
            raise ValueError(f"module weights and metadata disagree on {odd[:5]}")
        for name, module in modules.items():
            state = {
                key: torch.from_numpy(np.array(weights[f"{MODULE_PREFIX}{name}/{key}"]))
                for key in layout[name]
            }
            try:
                module.load_state_dict(state, strict=True)
            except RuntimeError as exc:
                raise ValueError(
                    f"module {name!r} does not match its saved weights: {exc}"
                ) from None
        modules.eval()
        self.modules_ = modules


def _improves(score: float, best: float | None, metric: str | None) -> bool:
    """Whether ``score`` beats ``best`` (lower is better only for ``"loss"``)."""
    if not math.isfinite(score):
        return False
    if best is None:
        return True
    return score < best if metric == "loss" else score > best


def _to_numpy(tensor: Any, module: str, key: str) -> np.ndarray:
    """A state-dict tensor as a plain numpy array, refusing dtypes numpy lacks."""
    try:
        return tensor.detach().cpu().numpy()
    except TypeError:
        raise TypeError(
            f"cannot save {key!r} of module {module!r} without pickle: numpy has "
            f"no dtype for {tensor.dtype}; convert the module to float32"
        ) from None
