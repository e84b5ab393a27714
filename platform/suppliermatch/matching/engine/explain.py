"""Plain-language reasons for a supplier's place in a ranking.

Each reason is one short clause a buyer can read at a glance: what the supplier offers and
which of its words matched, each required and preferred certificate with its expiry, the
tolerance, the capacity against the quantity, and the distance to the plant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from suppliermatch.formats import month_text
from suppliermatch.matching.engine import lexical
from suppliermatch.matching.engine.concepts import ProcessMention
from suppliermatch.matching.engine.constraints import (
    capacity_failure,
    certificate_failure,
    tolerance_failure,
)
from suppliermatch.matching.engine.index import MatchIndex, SupplierRow
from suppliermatch.matching.engine.text import split_clauses, without_exclusions
from suppliermatch.matching.engine.types import ProcessMatch, RequirementQuery
from suppliermatch.reference.certificates import CertificateCatalogue
from suppliermatch.reference.taxonomy import Taxonomy

# Quoted supplier phrases longer than this are shortened in reasons.
MAX_QUOTE_CHARS = 60
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Explained:
    """Everything the reasons for one supplier are written from."""

    supplier: SupplierRow
    query: RequirementQuery
    needed_by: date
    match: ProcessMatch
    requested: str | None  # the process the requirement asks for
    process: str | None  # the process the supplier matched with
    mention: ProcessMention | TextMatch | None
    distance_km: float | None
    catalogue: CertificateCatalogue
    taxonomy: Taxonomy


@dataclass(frozen=True, slots=True)
class TextMatch:
    """The supplier's words that best match a requirement's, and those requirement words."""

    phrase: str
    wanted: str  # empty when the match came only through similar suppliers' words


def find_text_match(
    index: MatchIndex, row: int, query: RequirementQuery, terms: Mapping[str, float]
) -> TextMatch | None:
    """The clause of a supplier's text sharing the most telling words with the requirement."""
    rows_total = max(1, index.row_count)

    def telling(stem: str) -> float:
        return math.log(1.0 + rows_total / max(1, index.stem_frequency(stem)))

    best: str | None = None
    best_weight = 0.0
    best_stems: frozenset[str] = frozenset()
    for clause in split_clauses(index.texts[row]):
        stems = _stems_of(index.matcher, without_exclusions(clause.text))
        weight = sum(terms.get(t, 0.0) * telling(t) for t in stems)
        if weight > best_weight:
            best, best_weight, best_stems = clause.text, weight, stems
    if best is None:
        return None
    wanted = [
        word
        for word in dict.fromkeys(_WORD.findall(f"{query.title} {query.description}"))
        if best_stems.intersection(_stems_of(index.matcher, word))
    ]
    return TextMatch(phrase=" ".join(best.split()), wanted=" ".join(wanted))


# Reasons are written for the top of every text ranking: the same clauses and requirement
# words are read again and again, so their stems are kept (bounded).
@lru_cache(maxsize=100_000)
def _stems_of(matcher, text: str) -> frozenset[str]:
    return frozenset(lexical.index_stems(matcher.tokens(text)))


def find_mention(index: MatchIndex, row: int, process: str) -> ProcessMention | None:
    """The words in a supplier's profile that named ``process`` (offered before equipment)."""
    found = [m for m in index.mentions_of(row) if m.process == process]
    found.sort(key=lambda m: (m.equipment, -m.confidence))
    return found[0] if found else None


def process_label(taxonomy: Taxonomy, slug: str) -> str:
    """A process name for use inside a sentence: "wire EDM", "grain boundary diffusion"."""
    # Drop the bracketed detail, nested brackets included: "Magnetic property testing
    # (B-H loop, Br, Hcj, (BH)max)" -> "magnetic property testing".
    name = taxonomy.process(slug).name
    if "(" in name:
        name = name[: name.index("(")]
    name = name.strip()
    if len(name) > 1 and name[1].islower():
        name = name[0].lower() + name[1:]
    return name


def reasons(item: Explained) -> tuple[str, ...]:
    out = [_process_reason(item)]
    out.extend(_certificate_reasons(item))
    out.extend(_tolerance_reason(item))
    out.extend(_capacity_reason(item))
    out.extend(_distance_reason(item))
    supplier = item.supplier
    if supplier.readiness is not None:
        out.append(f"readiness assessment {supplier.readiness:.0%}")
    if supplier.scorecard is not None:
        out.append(f"delivery scorecard {supplier.scorecard:.0%}")
    return tuple(r for r in out if r)


def _process_reason(item: Explained) -> str:
    taxonomy = item.taxonomy
    words = _quote(item.mention.phrase) if item.mention else ""
    declared = isinstance(item.mention, ProcessMention) and item.mention.phrase == "declared"
    if item.match is ProcessMatch.EXACT and item.process:
        label = process_label(taxonomy, item.process)
        if declared:
            return f"offers {label} (declared in its profile)"
        return f"offers {label} (matched {words})" if words else f"offers {label}"
    if item.match is ProcessMatch.RELATED and item.process and item.requested:
        label = process_label(taxonomy, item.process)
        text = f"offers {label}, closely related to {process_label(taxonomy, item.requested)}"
        return f"{text} (matched {words})" if words and not declared else text
    if item.match is ProcessMatch.TEXT:
        if isinstance(item.mention, TextMatch) and item.mention.wanted:
            return f"matched {words} for {_quote(item.mention.wanted)}"
        if item.mention is not None:
            return f"matched {words}, words of the suppliers matching the requirement best"
        # Found by meaning alone (``semantic``): no word in common to quote.
        return "its capability text is close in meaning to the requirement (no word in common)"
    categories = [taxonomy.category(c).name for c in item.supplier.categories]
    if categories:
        return f"works in {', '.join(categories)}, but does not name the requested process"
    return "owns equipment for the process, but does not offer it as a service"


def _certificate_reasons(item: Explained) -> list[str]:
    out = []
    held = item.supplier.certificates
    for kind, codes in (
        ("", item.query.required_certs),
        ("preferred ", item.query.preferred_certs),
    ):
        for code in codes:
            cert = item.catalogue.matching_certificate(held, code, item.needed_by)
            name = item.catalogue.display_name(code)
            if cert is not None:
                held_name = item.catalogue.display_name(cert.code)
                what = held_name if cert.code == code else f"{held_name} (meets {name})"
                verified = ", verified" if cert.verified else ""
                prefix = "also holds preferred " if kind else "holds "
                out.append(f"{prefix}{what}, valid to {_month(cert.valid_until)}{verified}")
            else:
                role = "preferred" if kind else "required"
                failure = certificate_failure(held, code, item.needed_by, item.catalogue, role)
                out.append(failure.message if failure else f"does not hold the {role} {name}")
    return out


def _tolerance_reason(item: Explained) -> list[str]:
    required = item.query.tolerance_mm
    if not required:
        return []
    failure = tolerance_failure(item.supplier.best_tolerance_mm, required)
    if failure:
        return [failure.message]
    return [f"best tolerance {item.supplier.best_tolerance_mm:g} mm meets {required:g} mm"]


def _capacity_reason(item: Explained) -> list[str]:
    quantity = item.query.quantity_per_month
    capacity = item.supplier.capacity_per_month
    if not quantity:
        return [f"capacity {capacity:,.0f}/month"] if capacity is not None else []
    failure = capacity_failure(capacity, quantity)
    if failure or capacity is None:  # no capacity declared is a failure
        return [failure.message] if failure else []
    if capacity >= quantity:
        return [f"capacity {capacity:,.0f}/month covers the {quantity:,.0f} requested"]
    return [
        f"capacity {capacity:,.0f}/month covers {capacity / quantity:.0%} of the "
        f"{quantity:,.0f} requested"
    ]


def _distance_reason(item: Explained) -> list[str]:
    query = item.query
    if query.plant_lat is None or query.plant_lon is None:
        return []
    if item.distance_km is None:
        return ["location unknown, distance to the plant not known"]
    km = f"{item.distance_km:,.0f} km from the plant"
    limit = query.max_distance_km
    if not limit:
        return [km]
    if item.distance_km <= limit:
        return [f"{km}, within the preferred {limit:,.0f} km"]
    return [f"{km}, beyond the preferred {limit:,.0f} km"]


def _month(day: date | None) -> str:
    return month_text(day) if day else "an unknown date"


def _quote(phrase: str) -> str:
    if len(phrase) > MAX_QUOTE_CHARS:
        phrase = phrase[: MAX_QUOTE_CHARS - 3].rstrip() + "..."
    return f"'{phrase}'"
