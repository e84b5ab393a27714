"""The hard constraints, one supplier at a time, in words a buyer understands.

A supplier fails a requirement when (bench/matching/README.md, "How a buyer grades"):

* a required certificate is not held with status ``certified`` and valid on the needed-by
  date (a higher ZED level satisfies a lower one);
* the requirement gives a tolerance and the supplier's best tolerance is missing or coarser;
* its monthly capacity is below half the requested quantity (or not declared).

The index applies the same rules to many suppliers at once with arrays; this module is the
readable reference, used for the "why not" messages and by the benchmark's judge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from suppliermatch.dates import today_in_india
from suppliermatch.formats import day_text
from suppliermatch.matching.engine.types import HeldCertificate, RequirementQuery
from suppliermatch.reference.certificates import CertificateCatalogue, CertStatus, counts_on

# A supplier must be able to make at least this share of the monthly quantity.
MIN_CAPACITY_SHARE = 0.5
# Tolerances are compared with this slack so that 0.01 written as 0.0100000001 still meets.
TOLERANCE_EPSILON_MM = 1e-9


class Constraint(StrEnum):
    CERTIFICATE = "certificate"
    TOLERANCE = "tolerance"
    CAPACITY = "capacity"


@dataclass(frozen=True, slots=True)
class Failure:
    constraint: Constraint
    message: str
    # For a certificate failure: the required code it is about.
    code: str | None = None


def effective_needed_by(query: RequirementQuery, today: date | None = None) -> date:
    """The date certificates must be valid on: the requirement's, else today."""
    return query.needed_by or today or today_in_india()


def certificate_failure(
    held: Iterable[HeldCertificate],
    required_code: str,
    needed_by: date,
    catalogue: CertificateCatalogue,
    role: str = "required",
) -> Failure | None:
    """Why ``held`` does not meet ``required_code`` on ``needed_by``, or None if it does.

    ``role`` names the certificate in the message ("required", "preferred").
    """
    held = list(held)
    if catalogue.matching_certificate(held, required_code, needed_by) is not None:
        return None
    name = catalogue.display_name(required_code)
    relevant = [c for c in held if catalogue.satisfies(c.code, required_code)]
    if relevant:
        # Explain the most promising of the certificates that would otherwise count.
        cert = max(
            relevant,
            key=lambda c: (c.status == CertStatus.CERTIFIED, c.valid_until or date.min),
        )
        if cert.status == CertStatus.CERTIFIED and cert.valid_until is not None:
            message = (
                f"{catalogue.display_name(cert.code)} expires {day_text(cert.valid_until)}, "
                f"before the needed-by date {day_text(needed_by)}"
            )
        elif cert.status == CertStatus.CERTIFIED:
            message = f"{catalogue.display_name(cert.code)} has no expiry date on record"
        else:
            status = str(cert.status).replace("_", " ")
            message = f"{catalogue.display_name(cert.code)} is {status}, not certified"
        return Failure(Constraint.CERTIFICATE, f"{role} {name}: {message}", required_code)
    lower = [
        c
        for c in held
        if catalogue.satisfies(required_code, c.code)
        and counts_on(c.status, c.valid_until, needed_by)
    ]
    if lower:
        return Failure(
            Constraint.CERTIFICATE,
            f"holds {catalogue.display_name(lower[0].code)}, below the {role} {name}",
            required_code,
        )
    return Failure(Constraint.CERTIFICATE, f"does not hold the {role} {name}", required_code)


def tolerance_failure(best_tolerance_mm: float | None, required_mm: float | None) -> Failure | None:
    if not required_mm:
        return None
    if best_tolerance_mm is None:
        return Failure(
            Constraint.TOLERANCE, f"no tolerance declared; {_mm(required_mm)} mm is required"
        )
    if best_tolerance_mm > required_mm + TOLERANCE_EPSILON_MM:
        return Failure(
            Constraint.TOLERANCE,
            f"best tolerance {_mm(best_tolerance_mm)} mm is coarser than the required "
            f"{_mm(required_mm)} mm",
        )
    return None


def capacity_failure(capacity: float | None, quantity: float | None) -> Failure | None:
    if not quantity:
        return None
    if capacity is None:
        return Failure(Constraint.CAPACITY, "no monthly capacity declared")
    if capacity < MIN_CAPACITY_SHARE * quantity:
        return Failure(
            Constraint.CAPACITY,
            f"capacity {capacity:,.0f}/month is below half of the {quantity:,.0f} requested",
        )
    return None


def hard_constraint_failures(
    *,
    certificates: Iterable[HeldCertificate],
    capacity_per_month: float | None,
    best_tolerance_mm: float | None,
    query: RequirementQuery,
    catalogue: CertificateCatalogue,
    today: date | None = None,
) -> list[Failure]:
    """Every hard constraint the supplier fails for ``query`` (empty when it qualifies)."""
    needed_by = effective_needed_by(query, today)
    certificates = list(certificates)
    failures = [
        failure
        for code in query.required_certs
        if (failure := certificate_failure(certificates, code, needed_by, catalogue))
    ]
    for failure in (
        tolerance_failure(best_tolerance_mm, query.tolerance_mm),
        capacity_failure(capacity_per_month, query.quantity_per_month),
    ):
        if failure:
            failures.append(failure)
    return failures


def _mm(value: float) -> str:
    return f"{value:g}"
