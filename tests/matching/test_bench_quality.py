"""The development benchmark, end to end: the product's targets on the graded set."""

import pytest

from suppliermatch.matching.csv_adapter import read_folder
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.metrics import evaluate, fails_hard_constraint
from suppliermatch.paths import MATCHING_BENCH_DIR
from suppliermatch.reference.certificates import default_catalogue
from tests.prerequisites import require_path

BENCH = MATCHING_BENCH_DIR


@pytest.fixture(autouse=True)
def _needs_the_benchmark():
    require_path(BENCH, "the shared matching benchmark")


def test_development_benchmark_meets_the_quality_targets():
    suppliers, requirements, grades = read_folder(BENCH)
    index = MatchIndex.build(suppliers)
    rankings = {
        q.ref: [item.supplier_ref for item in index.rank(q, explain_top=0).ranked]
        for q in requirements
    }
    by_ref = {s.ref: s for s in suppliers}
    queries = {q.ref: q for q in requirements}
    summary = evaluate(
        rankings,
        grades,
        lambda r, s: fails_hard_constraint(by_ref[s], queries[r], default_catalogue()),
    ).summary()
    assert summary["ndcg@10"] >= 0.90
    assert summary["violations@10"] <= 0.01
