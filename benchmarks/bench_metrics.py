"""Speed of hashmodal's mAP against a plain per-query argsort-then-score loop.

Run by hand: ``python benchmarks/bench_metrics.py``. Prints both times (best of
``--repeats`` runs each, measured side by side in one process), the ratio and
the peak memory, and checks that both give the same mAP.

1. 2,000 queries x 20,000 items, 64 bits, 1-D class labels (10 classes):
   mAP over the whole database, ties by database index (the loop's stable
   sort) and tie-aware.
2. NUS-WIDE size: 2,085 x 193,749, 64 bits, multi-hot labels over 21 classes.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from hashmodal.codes import from_bits
from hashmodal.metrics import mean_average_precision
from hashmodal.metrics._distances import distance_backend
from hashmodal.search import hamming_distances


def reference_loop(queries, database, query_labels, database_labels):
    """Per query: distances, stable argsort, relevance in rank order, AP."""
    db_bits = database.to_bits().astype(np.int32)
    q_bits = queries.to_bits().astype(np.int32)
    aps = np.empty(len(queries))
    for i in range(len(queries)):
        dist = np.count_nonzero(db_bits != q_bits[i], axis=1)
        order = np.argsort(dist, kind="stable")
        if query_labels.ndim == 1:
            rel = database_labels[order] == query_labels[i]
        else:
            rel = (database_labels[order] @ query_labels[i]) > 0
        n_rel = rel.sum()
        if n_rel == 0:
            aps[i] = 0.0
            continue
        hits = np.cumsum(rel)
        positions = np.flatnonzero(rel) + 1
        aps[i] = np.mean(hits[rel] / positions)
    return aps.mean()


REPEATS = 3


def timed(func, *args, **kwargs):
    """Result and best wall time of ``REPEATS`` calls (the machines are shared)."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = func(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return out, best


def random_codes(rng, n, n_bits):
    return from_bits(rng.integers(0, 2, size=(n, n_bits), dtype=np.uint8))


def case_small(rng, n_bits=64):
    queries = random_codes(rng, 2000, n_bits)
    database = random_codes(rng, 20000, n_bits)
    ql, dl = rng.integers(0, 10, 2000), rng.integers(0, 10, 20000)
    ref, t_ref = timed(reference_loop, queries, database, ql, dl)
    print(f"2,000 x 20,000, {n_bits} bits, class labels")
    print(f"  reference per-query loop      {t_ref:8.3f} s   mAP {ref:.6f}")
    for ties in ("index", "expected"):
        got, t = timed(mean_average_precision, queries, database, ql, dl, ties=ties)
        print(
            f"  hashmodal ties={ties:<9}     {t:8.3f} s   mAP {got.value:.6f}   "
            f"speed-up {t_ref / t:6.1f}x"
        )
        if ties == "index":
            assert abs(got.value - ref) < 1e-9, (got.value, ref)
    _, t_dist = timed(hamming_distances, queries, database)
    print(f"  (distances alone, {distance_backend()}: {t_dist:.3f} s)")


def case_nuswide(rng, n_bits=64, check=False):
    n_q, n_db, n_classes = 2085, 193749, 21
    queries = random_codes(rng, n_q, n_bits)
    database = random_codes(rng, n_db, n_bits)

    def labels(n):
        out = (rng.random((n, n_classes)) < 0.08).astype(np.uint8)
        out[np.arange(n), rng.integers(0, n_classes, n)] = 1
        return out

    ql, dl = labels(n_q), labels(n_db)
    print(f"NUS-WIDE size: {n_q:,} x {n_db:,}, {n_bits} bits, multi-hot {n_classes}")
    for ties in ("index", "expected"):
        tracemalloc.start()
        got, t = timed(mean_average_precision, queries, database, ql, dl, ties=ties)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  hashmodal ties={ties:<9}     {t:8.3f} s   mAP {got.value:.6f}   "
            f"peak traced {peak / 2**20:7.1f} MiB"
        )
    if check:
        sub = slice(0, 100)
        ref, t_ref = timed(reference_loop, queries[sub], database, ql[sub], dl)
        got = mean_average_precision(queries[sub], database, ql[sub], dl, ties="index")
        print(
            f"  reference loop on 100 queries {t_ref:8.3f} s (x{n_q / 100:.1f} "
            f"= {t_ref * n_q / 100:.1f} s for all)   agree: {abs(ref - got.value):.1e}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"  peak resident memory of the process {rss:7.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-nuswide", action="store_true")
    parser.add_argument(
        "--repeats", type=int, default=3, help="best of this many runs, each side"
    )
    args = parser.parse_args()
    global REPEATS
    REPEATS = args.repeats
    rng = np.random.default_rng(0)
    case_small(rng)
    if not args.skip_nuswide:
        case_nuswide(rng, check=True)


if __name__ == "__main__":
    main()
