"""The matching engine: ranks suppliers for a requirement and explains why.

Plain Python and numpy, with the reference data it reads (taxonomy, certificate
catalogue): it imports without Flask, SQLAlchemy or a database (a test checks), so it can
be used, tested and benchmarked on its own. The app builds the index from database rows
(``matching.loader``) and calls ``MatchIndex.rank``; the benchmark tooling
(``matching.csv_adapter``, ``matching.metrics``, ``matching.synthetic``) sits beside it.

    from suppliermatch.matching.engine import MatchIndex, RequirementQuery, SupplierDoc
"""

from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.engine.types import (
    FactorScore,
    HeldCertificate,
    MatchResult,
    ProcessMatch,
    RankedSupplier,
    RequirementQuery,
    SupplierDoc,
)

__all__ = [
    "FactorScore",
    "HeldCertificate",
    "MatchIndex",
    "MatchResult",
    "ProcessMatch",
    "RankedSupplier",
    "RequirementQuery",
    "SupplierDoc",
]
