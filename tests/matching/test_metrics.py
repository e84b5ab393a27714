"""Benchmark measures, checked against values worked out by hand."""

import math

import pytest

from suppliermatch.matching import metrics

GRADES = {"A": 3, "B": 2, "C": 1}


def test_ideal_order_scores_one_and_a_worse_order_less():
    assert metrics.ndcg_at_k(["A", "B", "C"], GRADES) == pytest.approx(1.0)
    assert metrics.ndcg_at_k(["C", "B", "A"], GRADES) < 1.0


def test_ndcg_matches_a_hand_computed_value():
    # Ranking B, X, A: gains 3, 0, 7 against the ideal 7, 3, 1.
    dcg = 3 / math.log2(2) + 0 + 7 / math.log2(4)
    ideal = 7 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at_k(["B", "X", "A"], GRADES) == pytest.approx(dcg / ideal)
    linear = (2 + 3 / 2) / (3 + 2 / math.log2(3) + 1 / 2)
    assert metrics.ndcg_at_k(["B", "X", "A"], GRADES, gain="linear") == pytest.approx(linear)


def test_ndcg_is_undefined_when_nothing_is_relevant():
    assert metrics.ndcg_at_k(["A"], {}) is None


def test_precision_counts_grade_two_and_above_over_k():
    assert metrics.precision_at_k(["A", "C", "B", "X"], GRADES, k=10) == pytest.approx(0.2)


def test_recall_is_the_share_of_relevant_suppliers_found():
    assert metrics.recall_at_k(["A", "X"], GRADES, k=50) == pytest.approx(0.5)
    assert metrics.recall_at_k(["A"], {"A": 1}) is None


def test_violations_are_the_failing_share_of_what_was_returned():
    assert metrics.violations_at_k(["A", "B", "C", "D"], lambda ref: ref in {"B", "D"}) == 0.5
    assert metrics.violations_at_k([], lambda ref: True) == 0.0


def test_evaluate_averages_over_requirements():
    report = metrics.evaluate(
        {"R1": ["A", "B", "C"], "R2": ["X"]},
        {"R1": GRADES, "R2": {"Y": 3}},
        lambda requirement, supplier: supplier == "X",
    )
    summary = report.summary()
    assert summary["requirements"] == 2
    assert summary["ndcg@10"] == pytest.approx(0.5)
    assert summary["violations@10"] == pytest.approx(0.5)
