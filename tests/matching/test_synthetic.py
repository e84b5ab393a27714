"""Synthetic data for speed tests: reproducible, varied, and readable by the engine."""

from suppliermatch.matching.engine.concepts import default_matcher
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.synthetic import SyntheticData


def test_same_seed_gives_the_same_data_and_another_seed_differs():
    first = list(SyntheticData(seed=1).suppliers(50))
    assert first == list(SyntheticData(seed=1).suppliers(50))
    assert first != list(SyntheticData(seed=2).suppliers(50))


def test_suppliers_have_unique_ids_and_varied_wording():
    suppliers = list(SyntheticData(seed=3).suppliers(500))
    assert len({s.id for s in suppliers}) == 500
    assert len({s.capabilities for s in suppliers}) > 450
    assert 0.2 < sum(1 for s in suppliers if not s.categories) / 500 < 0.4


def test_engine_reads_a_process_from_almost_every_synthetic_supplier():
    matcher = default_matcher()
    suppliers = list(SyntheticData(seed=4).suppliers(300))
    readable = sum(
        1
        for s in suppliers
        if any(not m.equipment for m in matcher.find_in_supplier_text(s.capabilities))
    )
    assert readable / len(suppliers) > 0.95


def test_synthetic_requirements_rank_suppliers_offering_their_process():
    data = SyntheticData(seed=5)
    index = MatchIndex.build(data.suppliers(2000))
    results = [index.rank(query, limit=20) for query in data.requirements(20)]
    assert sum(1 for r in results if r.process is not None) >= 19
    assert sum(1 for r in results if r.ranked) >= 15
