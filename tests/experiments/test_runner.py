"""Tests of the experiment grid behind ``hashmodal bench``."""

import numpy as np
import pytest

from hashmodal.datasets import MultiModalDataset, Split
from hashmodal.experiments import plan_tasks, run_benchmark
from hashmodal.methods import available_methods
from hashmodal.metrics import mean_average_precision


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    n, n_classes = 240, 4
    labels = np.repeat(np.arange(n_classes), n // n_classes)
    centres = rng.normal(size=(n_classes, 8))
    latent = centres[labels] + 0.3 * rng.normal(size=(n, 8))
    views = {
        "a": latent @ rng.normal(size=(8, 12)) + 0.1 * rng.normal(size=(n, 12)),
        "b": latent @ rng.normal(size=(8, 6)) + 0.1 * rng.normal(size=(n, 6)),
    }
    query = np.arange(0, n, 6)
    database = np.setdiff1d(np.arange(n), query)
    split = Split(
        train=database, query=query, database=database, train_in_database=True
    )
    return MultiModalDataset("toy", views, labels, split=split)


def test_plan_tasks_by_family():
    methods = available_methods()
    assert [t.name for t in plan_tasks(methods["itq"], ["a", "b"])] == [
        "concat->concat"
    ]
    assert [t.name for t in plan_tasks(methods["itq"], ["b"])] == ["b->b"]
    assert [t.name for t in plan_tasks(methods["cmfh"], ["a", "b"])] == [
        "a->b",
        "b->a",
    ]
    with pytest.raises(ValueError, match="exactly two views"):
        plan_tasks(methods["cmfh"], ["a", "b", "c"])


def test_grid_records_and_protocols(toy):
    result = run_benchmark(toy, ["itq", "cmfh"], [8, 16], progress=False)
    tasks = {(r.method, r.task, r.protocol) for r in result.records}
    assert tasks == {
        ("itq", "concat->concat", "database=encoded"),
        ("cmfh", "a->b", "database=train_codes"),
        ("cmfh", "b->a", "database=train_codes"),
    }
    # 2 bit lengths x (1 + 2 tasks) x 2 tie rules
    assert len(result.records) == 12
    assert {r.ties for r in result.records} == {"index", "expected"}
    for r in result.records:
        assert 0.0 <= r.value <= 1.0
        assert r.n_queries == 40
        assert r.n_queries_without_relevant == 0
        assert r.train_seconds >= 0 and r.encode_seconds >= 0
    # PR curves at the largest bit length only, one per (method, task)
    assert {k[2:] for k in result.curves} == {
        ("itq", 16),
        ("cmfh", 16),
    }
    assert len(result.curves) == 3


def test_records_match_a_direct_evaluation(toy):
    from hashmodal.methods import get_method

    result = run_benchmark(toy, ["itq"], [16], progress=False)
    [index_record] = [r for r in result.records if r.ties == "index"]
    views, labels = toy.subset("train")
    itq = get_method("itq", n_bits=16, random_state=0).fit(views)
    q_views, q_labels = toy.subset("query")
    score = mean_average_precision(
        itq.encode(q_views), itq.encode(views), q_labels, labels, ties="index"
    )
    assert index_record.value == pytest.approx(score.value)


def test_single_view_methods_per_view_and_concatenated(toy):
    from hashmodal.methods import get_method

    result = run_benchmark(
        toy, ["pcah"], [8], single_view_inputs=["concat", "a"], progress=False
    )
    assert [r.task for r in result.records if r.ties == "index"] == [
        "concat->concat",
        "a->a",
    ]
    # The per-view cell is PCAH fitted and evaluated on view a alone.
    [record] = [r for r in result.records if r.task == "a->a" and r.ties == "index"]
    views, labels = toy.subset("train")
    q_views, q_labels = toy.subset("query")
    pcah = get_method("pcah", n_bits=8, random_state=0).fit({"a": views["a"]})
    expected = mean_average_precision(
        pcah.encode({"a": q_views["a"]}),
        pcah.encode({"a": views["a"]}),
        q_labels,
        labels,
        ties="index",
    )
    assert record.value == pytest.approx(expected.value)
    with pytest.raises(ValueError, match="single_view_inputs"):
        run_benchmark(toy, ["pcah"], [8], single_view_inputs=["z"], progress=False)


def test_encoded_protocol_uses_hash_functions(toy):
    result = run_benchmark(toy, ["cmfh"], [8], protocol="encoded", progress=False)
    assert {r.protocol for r in result.records} == {"database=encoded"}


def test_bad_arguments(toy):
    with pytest.raises(ValueError, match="unknown method"):
        run_benchmark(toy, ["nope"], [8], progress=False)
    with pytest.raises(ValueError, match="protocol"):
        run_benchmark(toy, ["itq"], [8], protocol="x", progress=False)
    with pytest.raises(ValueError, match="not views"):
        run_benchmark(toy, ["cmfh"], [8], cross_modal_views=("a", "z"), progress=False)
    with pytest.raises(ValueError, match="bits must be an integer"):
        run_benchmark(toy, ["itq"], [0], progress=False)
