"""The experiment grid behind ``hashmodal bench``.

For each method and bit length a method is fitted once on the training items
and evaluated on every retrieval task it supports:

- single-view methods: ``concat->concat`` (all views concatenated) and/or
  ``V->V`` for chosen views ``V`` (fitted on that view alone), queries and
  database encoded the same way;
- cross-modal methods: ``A->B`` and ``B->A`` for the chosen pair of views; the
  query is encoded from its view, and the database codes are either the codes
  the method learned for the training items (protocol
  ``database=train_codes``, used by the papers of this family whenever the
  database is the training set) or encoded from the other view (protocol
  ``database=encoded``);
- composite methods: ``all->all``, both sides encoded from all views.

mAP over the whole database is reported twice, with ties at equal Hamming
distance ordered by database index (comparable with papers that use a stable
sort) and tie-aware (the expected value over all orders inside each tie group).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hashmodal._validation import check_positive_int
from hashmodal.codes import BinaryCodes
from hashmodal.experiments._records import Record
from hashmodal.methods import available_methods, get_method
from hashmodal.metrics import mean_average_precision, precision_recall_at_k

__all__ = ["BenchResult", "Task", "plan_tasks", "run_benchmark"]

logger = logging.getLogger(__name__)

PROTOCOLS = ("train_codes", "encoded")


@dataclass(frozen=True)
class Task:
    """One retrieval task: which views encode the queries and the database.

    ``query_views`` / ``database_views`` are view names; several names mean the
    method encodes from all of them together.
    """

    name: str
    query_views: tuple[str, ...]
    database_views: tuple[str, ...]


@dataclass
class BenchResult:
    """Records of a benchmark run and the precision-recall curves it drew.

    ``curves[(dataset, task, method, n_bits)] = (precision, recall)`` holds the
    curve by Hamming ranking at the largest bit length (first seed).
    """

    records: list[Record] = field(default_factory=list)
    curves: dict[tuple[str, str, str, int], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )


def plan_tasks(method_cls: type, view_names: Sequence[str]) -> list[Task]:
    """The tasks a method is evaluated on, given the views it is fitted on.

    Raises
    ------
    ValueError
        If a cross-modal method is given other than exactly two views.
    """
    family = method_cls.family
    views = tuple(view_names)
    if family == "single-view":
        name = f"{views[0]}->{views[0]}" if len(views) == 1 else "concat->concat"
        return [Task(name, views, views)]
    if family == "cross-modal":
        if len(views) != 2:
            raise ValueError(
                f"cross-modal method {method_cls.name!r} needs exactly two views, "
                f"got {list(views)}"
            )
        a, b = views
        return [Task(f"{a}->{b}", (a,), (b,)), Task(f"{b}->{a}", (b,), (a,))]
    if family == "composite":
        return [Task("all->all", views, views)]
    raise ValueError(
        f"method {method_cls.name!r} of family {family!r} is not a retrieval method"
    )


def run_benchmark(
    dataset,
    methods: Sequence[str],
    bits: Sequence[int],
    *,
    cross_modal_views: Sequence[str] | None = None,
    single_view_inputs: Sequence[str] = ("concat",),
    seeds: Sequence[int] = (0,),
    protocol: str = "train_codes",
    progress: bool = True,
) -> BenchResult:
    """Fit and evaluate ``methods`` at every bit length on ``dataset``.

    Parameters
    ----------
    dataset : hashmodal.datasets.MultiModalDataset
        Data with a train / query / database split.
    methods : sequence of str
        Registered method names (see :func:`hashmodal.methods.available_methods`).
    bits : sequence of int
        Code lengths.
    cross_modal_views : pair of str, optional
        The two views cross-modal methods use; default: the data set's views if
        it has exactly two, else its first two.
    single_view_inputs : sequence of str, default=("concat",)
        What single-view methods are applied to: ``"concat"`` (all views
        concatenated, task ``concat->concat``) and/or view names (one fit per
        view, task ``V->V``).
    seeds : sequence of int, default=(0,)
        ``random_state`` values; every cell is run once per seed.
    protocol : {"train_codes", "encoded"}, default="train_codes"
        Database codes of cross-modal and composite methods: the codes learned
        for the training items when the database is exactly the training set
        and the method learns such codes, else (or with ``"encoded"``) the
        database items encoded by the hash functions.
    progress : bool, default=True
        Show a progress bar over the grid.

    Returns
    -------
    BenchResult
    """
    registry = available_methods()
    unknown = [m for m in methods if m not in registry]
    if unknown:
        raise ValueError(
            f"unknown method(s) {', '.join(map(repr, unknown))}; available methods: "
            f"{', '.join(sorted(registry))}"
        )
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
    bits = [check_positive_int(b, "bits") for b in bits]
    if not bits:
        raise ValueError("bits must name at least one code length")
    if cross_modal_views is None:
        cross_modal_views = tuple(dataset.view_names[:2])
    missing = [v for v in cross_modal_views if v not in dataset.view_names]
    if missing:
        raise ValueError(
            f"cross_modal_views {missing} are not views of {dataset.name!r}; "
            f"its views are {list(dataset.view_names)}"
        )

    inputs = list(dict.fromkeys(single_view_inputs))
    bad = [v for v in inputs if v != "concat" and v not in dataset.view_names]
    if bad or not inputs:
        raise ValueError(
            f"single_view_inputs must be 'concat' or views of {dataset.name!r} "
            f"({', '.join(dataset.view_names)}), got {list(single_view_inputs)}"
        )

    train_views, train_labels = dataset.subset("train")
    query_views, query_labels = dataset.subset("query")
    db_views, db_labels = dataset.subset("database")
    database_is_train = np.array_equal(dataset.split.train, dataset.split.database)

    grid = []
    for m in methods:
        if registry[m].family == "single-view":
            fits = [
                tuple(dataset.view_names) if v == "concat" else (v,) for v in inputs
            ]
        elif registry[m].family == "cross-modal":
            fits = [tuple(cross_modal_views)]
        else:
            fits = [tuple(dataset.view_names)]
        grid += [(m, b, s, f) for f in fits for b in bits for s in seeds]
    result = BenchResult()
    for method_name, n_bits, seed, fit_names in _progress(grid, progress, dataset.name):
        cls = registry[method_name]
        estimator = get_method(method_name, n_bits=n_bits, random_state=seed)
        fit_views = {v: train_views[v] for v in fit_names}

        start = time.perf_counter()
        estimator.fit(fit_views, train_labels if cls.requires_labels else None)
        train_seconds = time.perf_counter() - start

        for task in plan_tasks(cls, fit_names):
            start = time.perf_counter()
            queries = estimator.encode({v: query_views[v] for v in task.query_views})
            database, used = _database_codes(
                estimator, task, db_views, database_is_train, protocol
            )
            encode_seconds = time.perf_counter() - start

            for ties in ("index", "expected"):
                score = mean_average_precision(
                    queries, database, query_labels, db_labels, ties=ties
                )
                result.records.append(
                    Record(
                        dataset=dataset.name,
                        method=method_name,
                        task=task.name,
                        n_bits=n_bits,
                        metric="map@all",
                        value=float(score.value),
                        ties=ties,
                        train_seconds=round(train_seconds, 4),
                        encode_seconds=round(encode_seconds, 4),
                        seed=int(seed),
                        protocol=used,
                        n_queries=int(score.n_queries),
                        n_queries_without_relevant=int(
                            score.n_queries_without_relevant
                        ),
                    )
                )
            if n_bits == max(bits) and seed == seeds[0]:
                curve = precision_recall_at_k(
                    queries,
                    database,
                    query_labels,
                    db_labels,
                    ks=_curve_cutoffs(len(database)),
                    ties="index",
                )
                key = (dataset.name, task.name, method_name, n_bits)
                result.curves[key] = (curve.precision, curve.recall)
            logger.info(
                "%s %s %d bits seed %d: map@all %.4f",
                method_name,
                task.name,
                n_bits,
                seed,
                result.records[-2].value,
            )
    return result


def _database_codes(
    estimator, task: Task, db_views, database_is_train: bool, protocol: str
) -> tuple[BinaryCodes, str]:
    train_codes = getattr(estimator, "train_codes_", None)
    learns_codes = estimator.family in ("cross-modal", "composite")
    if protocol == "train_codes" and learns_codes and database_is_train:
        if train_codes is not None:
            return train_codes, "database=train_codes"
    codes = estimator.encode({v: db_views[v] for v in task.database_views})
    return codes, "database=encoded"


def _curve_cutoffs(n_database: int, n_points: int = 60) -> np.ndarray:
    # Cut-offs spread over the whole ranking: dense at the top, where curves bend.
    grid = np.geomspace(1, n_database, n_points)
    return np.unique(np.round(grid).astype(np.int64))


def _progress(grid, enabled: bool, name: str):
    if not enabled:
        return grid
    from tqdm.auto import tqdm

    return tqdm(grid, desc=f"bench {name}", unit="cell")
