"""Ranking quality measures used by the matching benchmark (bench/matching/README.md).

* NDCG@10 over the buyer's grades 0..3, with the usual exponential gain 2^grade - 1
  (``gain="linear"`` uses the grade itself);
* precision@10 and recall@50 counting grade >= 2 as relevant;
* violations@10: the share of the top 10 that fail a hard constraint, judged from the data
  by the rules in ``constraints`` (not by the engine's own verdict).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from suppliermatch.matching.engine.constraints import hard_constraint_failures
from suppliermatch.matching.engine.types import RequirementQuery, SupplierDoc
from suppliermatch.reference.certificates import CertificateCatalogue

RELEVANT_GRADE = 2


def _gain(grade: int, gain: str) -> float:
    if gain == "exponential":
        return 2.0**grade - 1.0
    if gain == "linear":
        return float(grade)
    raise ValueError(f"unknown gain {gain!r}; use 'exponential' or 'linear'")


def dcg(grades: Sequence[int], gain: str = "exponential") -> float:
    return sum(_gain(g, gain) / math.log2(position + 2) for position, g in enumerate(grades))


def ndcg_at_k(
    ranked: Sequence[str], grades: Mapping[str, int], k: int = 10, gain: str = "exponential"
) -> float | None:
    """NDCG of the first ``k`` of ``ranked``; None when nothing is graded above 0."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k], gain)
    if ideal <= 0:
        return None
    return dcg([grades.get(ref, 0) for ref in ranked[:k]], gain) / ideal


def precision_at_k(
    ranked: Sequence[str], grades: Mapping[str, int], k: int = 10, min_grade: int = RELEVANT_GRADE
) -> float:
    return sum(1 for ref in ranked[:k] if grades.get(ref, 0) >= min_grade) / k


def recall_at_k(
    ranked: Sequence[str], grades: Mapping[str, int], k: int = 50, min_grade: int = RELEVANT_GRADE
) -> float | None:
    """Share of relevant suppliers found in the first ``k``; None when none is relevant."""
    relevant = {ref for ref, grade in grades.items() if grade >= min_grade}
    if not relevant:
        return None
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def violations_at_k(ranked: Sequence[str], violates: Callable[[str], bool], k: int = 10) -> float:
    """Share of the first ``k`` (or fewer, if fewer were returned) failing a hard constraint."""
    top = ranked[:k]
    return sum(1 for ref in top if violates(ref)) / len(top) if top else 0.0


def fails_hard_constraint(
    supplier: SupplierDoc, query: RequirementQuery, catalogue: CertificateCatalogue
) -> bool:
    """The benchmark judge: does the supplier's own data fail a hard constraint of ``query``?"""
    return bool(
        hard_constraint_failures(
            certificates=supplier.certificates,
            capacity_per_month=supplier.capacity_per_month,
            best_tolerance_mm=supplier.best_tolerance_mm,
            query=query,
            catalogue=catalogue,
        )
    )


@dataclass(frozen=True)
class RequirementScores:
    ndcg_at_10: float | None
    ndcg_at_10_linear: float | None
    precision_at_10: float
    recall_at_50: float | None
    violations_at_10: float


@dataclass(frozen=True)
class QualityReport:
    per_requirement: Mapping[str, RequirementScores] = field(default_factory=dict)

    def mean(self, measure: str) -> float:
        values = [
            getattr(scores, measure)
            for scores in self.per_requirement.values()
            if getattr(scores, measure) is not None
        ]
        return fmean(values) if values else float("nan")

    def summary(self) -> dict[str, float]:
        return {
            "requirements": len(self.per_requirement),
            "ndcg@10": round(self.mean("ndcg_at_10"), 4),
            "ndcg@10_linear_gain": round(self.mean("ndcg_at_10_linear"), 4),
            "p@10": round(self.mean("precision_at_10"), 4),
            "recall@50": round(self.mean("recall_at_50"), 4),
            "violations@10": round(self.mean("violations_at_10"), 4),
        }


def evaluate(
    rankings: Mapping[str, Sequence[str]],
    grades: Mapping[str, Mapping[str, int]],
    violates: Callable[[str, str], bool],
) -> QualityReport:
    """Scores for each ranked requirement: ``rankings`` maps requirement ref -> supplier refs."""
    per_requirement = {}
    for requirement, ranked in rankings.items():
        graded = grades.get(requirement, {})
        per_requirement[requirement] = RequirementScores(
            ndcg_at_10=ndcg_at_k(ranked, graded, 10),
            ndcg_at_10_linear=ndcg_at_k(ranked, graded, 10, gain="linear"),
            precision_at_10=precision_at_k(ranked, graded, 10),
            recall_at_50=recall_at_k(ranked, graded, 50),
            violations_at_10=violations_at_k(
                ranked, lambda supplier, r=requirement: violates(r, supplier), 10
            ),
        )
    return QualityReport(per_requirement)
