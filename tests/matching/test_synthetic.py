"""Synthetic data for speed tests: reproducible, varied, and readable by the engine."""

import re

from suppliermatch.matching import synthetic
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
    assert 0.35 < sum(1 for s in suppliers if not s.categories) / 500 < 0.65


def test_engine_reads_a_process_from_almost_every_supplier_written_in_taxonomy_words():
    matcher = default_matcher()
    suppliers = [s for s in SyntheticData(seed=4).suppliers(300) if s.categories]
    readable = sum(
        1
        for s in suppliers
        if any(not m.equipment for m in matcher.find_in_supplier_text(s.capabilities))
    )
    assert readable / len(suppliers) > 0.95


def test_open_vocabulary_suppliers_and_requirements_are_drawn_too():
    data = SyntheticData(seed=5)
    matcher = default_matcher()
    suppliers = list(data.suppliers(500))
    products_only = [s for s in suppliers if not matcher.find_in_supplier_text(s.capabilities)]
    # Some product names are taxonomy words too ("graphite trays", "carbide dies").
    assert 0.05 < len(products_only) / len(suppliers) < 0.45
    goods = set(synthetic._GOODS)
    with_goods = [
        s for s in suppliers if goods & set(re.findall(r"[a-z]+", s.capabilities.lower()))
    ]
    assert len(with_goods) / len(suppliers) > 0.3
    uncategorised = [q for q in data.requirements(200) if q.category is None]
    assert 0.15 < len(uncategorised) / 200 < 0.35


def test_synthetic_requirements_find_suppliers_by_process_or_by_their_words():
    data = SyntheticData(seed=5)
    index = MatchIndex.build(data.suppliers(2000))
    results = [(q, index.rank(q, limit=20)) for q in data.requirements(40)]
    with_process = [r for q, r in results if q.category is not None]
    assert sum(1 for r in with_process if r.process is not None) >= len(with_process) - 1
    assert sum(1 for _, r in results if r.ranked) >= 30
    assert all(r.ranked for q, r in results if q.category is None)
