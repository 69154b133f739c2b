"""SCRATCH and CMFH on Wiki at 32 bits against the SCRATCH paper's Table 1.

Protocol of ``benchmarks/reproduce_wiki.py`` (which runs all bit lengths and
three seeds): fixed 2,173 / 693 split, queries = test pairs encoded from one
view, database = the learned training codes, relevant = same class, mAP over
the whole database with ties by database index.
"""

from pathlib import Path

import pytest

from hashmodal import datasets
from hashmodal.methods.cross_modal import CMFH, SCRATCH
from hashmodal.metrics import mean_average_precision

WIKI = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "wiki"

# Li et al., ACM MM 2018, Table 1, 32 bits: (image→text, text→image).
PAPER_32 = {"scratch": (0.3874, 0.7543), "cmfh": (0.2288, 0.5252)}
TOLERANCE = {"scratch": 0.02, "cmfh": 0.03}


@pytest.fixture(scope="module")
def wiki():
    if not (WIKI / "wiki_data.mat").is_file():
        pytest.skip(f"Wiki data not found at {WIKI} (shared data folder absent)")
    ds = datasets.load("wiki", path=WIKI)
    return ds.subset("train"), ds.subset("query")


@pytest.mark.parametrize(
    "model",
    [SCRATCH(n_bits=32, random_state=0), CMFH(n_bits=32, random_state=0)],
    ids=["scratch", "cmfh"],
)
def test_wiki_32_bits_within_tolerance_of_the_paper(wiki, model):
    (train_views, train_labels), (query_views, query_labels) = wiki
    model.fit(train_views, train_labels)
    scores = []
    for view in ("image", "text"):
        queries = model.encode({view: query_views[view]})
        score = mean_average_precision(
            queries, model.train_codes_, query_labels, train_labels, ties="index"
        )
        scores.append(score.value)
    paper = PAPER_32[model.name]
    tolerance = TOLERANCE[model.name]
    assert abs(scores[0] - paper[0]) <= tolerance, (scores, paper)
    assert abs(scores[1] - paper[1]) <= tolerance, (scores, paper)
