"""The match report of one requirement: who could supply it and why, who nearly could and
what they lack, where invitations and quotes stand, and the coordinator's advice.

Who sees what:
- the anchor that posted the requirement sees everything but the coordinator's notes, and
  quote totals only once bidding has ended (sealed bids; opening them is logged, as on the
  comparison page);
- the cluster's coordinator sees the notes but never quote prices (as everywhere else);
- admins see both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from suppliermatch.access import Actor
from suppliermatch.accounts.models import Organisation
from suppliermatch.matching.badges import MATCH_BADGES
from suppliermatch.matching.service import (
    MAX_RANKED,
    MatchItem,
    hard_constraint_lacks,
    rank_requirement,
)
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.reports import notes as notes_service
from suppliermatch.reports.dashboard import THIN_COVERAGE, category_name, process_name
from suppliermatch.reports.notes import NoteView
from suppliermatch.reports.service import can_read_notes, report_requirement
from suppliermatch.requirements import quotes as quotes_service
from suppliermatch.requirements.lifecycle import (
    as_utc,
    effective_status,
    now_utc,
    quotes_unsealed,
)
from suppliermatch.requirements.models import Award, Invitation, Quote, Requirement
from suppliermatch.requirements.visibility import can_manage
from suppliermatch.suppliers.models import Supplier

# How many suppliers that fail a hard constraint are shown: the closest ones.
EXCLUDED_SHOWN = 15
RANKED_SHOWN = 30
INVITATION_LABELS = {"invited": "invited", "declined": "declined", "quoted": "quoted"}
QUOTE_LABELS = {"submitted": "quote received", "awarded": "awarded", "not_awarded": "not awarded"}


@dataclass(frozen=True)
class Factor:
    name: str
    label: str
    value: float
    weight: float
    contribution: float


@dataclass
class SupplierLine:
    """One supplier on the report."""

    supplier_id: int
    name: str
    place: str
    qualifies: bool
    rank: int | None = None
    score: float | None = None
    match: str | None = None
    factors: list[Factor] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    lacks: list[str] = field(default_factory=list)
    invitation: str | None = None
    quote: str | None = None
    # A quote whose supplier fails a hard constraint of the requirement (what it lacks is
    # in ``lacks``), whoever reads the report.
    quote_noncompliant: bool = False
    # Only for the anchor (and admins) once bidding has ended.
    quote_total_inr: float | None = None
    lead_time_days: int | None = None
    awarded: bool = False
    notes: list[NoteView] = field(default_factory=list)

    @property
    def recommendation(self) -> NoteView | None:
        return notes_service.current_recommendation(self.notes)

    @property
    def match_badge(self) -> tuple[str, str] | None:
        """(tone, words) for the kind of match, as on the ranking page."""
        if not self.match or self.rank is None:
            return None
        return MATCH_BADGES.get(self.match)

    @property
    def stage(self) -> str:
        """Where the supplier stands with this requirement, in a word or two."""
        if self.awarded:
            return "awarded"
        if self.quote:
            return QUOTE_LABELS.get(self.quote, self.quote)
        if self.invitation:
            return INVITATION_LABELS.get(self.invitation, self.invitation)
        return "not invited"


@dataclass
class MatchReport:
    requirement: Requirement
    anchor: str
    status: str
    generated_at: datetime
    process: str | None
    ranked: list[SupplierLine]
    excluded: list[SupplierLine]
    # Invited or quoting suppliers the ranking lists in neither part.
    others: list[SupplierLine]
    # Fully qualified: offers the process itself and meets every hard constraint.
    qualified_total: int
    # Meet every hard constraint through a related process, the category or text only.
    qualified_otherwise: int
    ranked_total: int
    excluded_total: int
    show_notes: bool
    show_prices: bool
    quotes_sealed: bool
    quotes_open_at: datetime | None
    notes_written: int = 0
    ranking_notes: tuple[str, ...] = ()

    @property
    def thin(self) -> bool:
        return self.qualified_total < THIN_COVERAGE

    @property
    def everyone(self) -> list[SupplierLine]:
        return [*self.ranked, *self.excluded, *self.others]

    @property
    def invited(self) -> int:
        return sum(1 for line in self.everyone if line.invitation)

    @property
    def quoted(self) -> int:
        return sum(1 for line in self.everyone if line.quote)

    @property
    def category_label(self) -> str:
        return category_name(self.requirement.category)

    @property
    def process_label(self) -> str:
        return process_name(self.process or self.requirement.process)

    @property
    def required_certificates(self) -> list[str]:
        catalogue = default_catalogue()
        return [catalogue.display_name(c) for c in self.requirement.required_certs or []]

    @property
    def preferred_certificates(self) -> list[str]:
        catalogue = default_catalogue()
        return [catalogue.display_name(c) for c in self.requirement.preferred_certs or []]


def build_report(
    session: Session, actor: Actor, requirement_id: int, *, now: datetime | None = None
) -> MatchReport:
    requirement = report_requirement(session, actor, requirement_id)
    moment = now_utc(now)
    ranking = rank_requirement(
        session,
        requirement.id,
        actor=actor,
        limit=MAX_RANKED,
        explain_top=RANKED_SHOWN,
        include_excluded=True,
    )
    lines: dict[int, SupplierLine] = {}
    ranked = [_line(lines, item, ranked=True) for item in ranking.items[:RANKED_SHOWN]]
    excluded = [_line(lines, item, ranked=False) for item in ranking.excluded[:EXCLUDED_SHOWN]]
    others = _add_engagement(session, requirement, lines)
    show_notes = can_read_notes(actor, requirement)
    written = 0
    if show_notes:
        by_supplier = notes_service.notes_by_supplier(session, requirement.id)
        written = sum(len(n) for n in by_supplier.values())
        for supplier_id, found in by_supplier.items():
            if supplier_id not in lines:
                others.append(_bare_line(session, lines, supplier_id))
            lines[supplier_id].notes = found
    show_prices = can_manage(actor, requirement)
    sealed = not quotes_unsealed(requirement, moment)
    opens_at = as_utc(requirement.quote_deadline)
    if show_prices:
        comparison = quotes_service.compare_quotes(
            session, actor=actor, requirement_id=requirement.id, now=moment
        )
        sealed, opens_at = comparison.sealed, comparison.opens_at
        for quote in comparison.quotes:
            line = lines.get(quote["supplier_id"])
            if line is not None:
                line.quote_total_inr = quote["total_inr"]
                line.lead_time_days = quote["lead_time_days"]
    anchor = session.get(Organisation, requirement.anchor_id)
    return MatchReport(
        requirement=requirement,
        anchor=anchor.name if anchor else "",
        status=effective_status(requirement, moment).value,
        generated_at=moment,
        process=ranking.process,
        ranked=ranked,
        excluded=excluded,
        others=sorted(others, key=lambda line: line.name),
        qualified_total=ranking.fully_qualified_total,
        qualified_otherwise=ranking.qualified_otherwise,
        ranked_total=len(ranking.items),
        excluded_total=len(ranking.excluded),
        show_notes=show_notes,
        show_prices=show_prices,
        quotes_sealed=sealed,
        quotes_open_at=opens_at,
        notes_written=written,
        ranking_notes=tuple(ranking.notes),
    )


def _line(lines: dict[int, SupplierLine], item: MatchItem, *, ranked: bool) -> SupplierLine:
    line = SupplierLine(
        supplier_id=item.supplier_id,
        name=item.supplier_name,
        place=", ".join(p for p in (item.district, item.state) if p),
        qualifies=item.fully_qualified,
        rank=item.rank if ranked else None,
        score=item.score,
        match=item.match,
        factors=[
            Factor(f.name, f.name.replace("_", " "), f.value, f.weight, f.contribution)
            for f in item.factors
        ],
        reasons=list(item.reasons),
        lacks=list(item.failures),
    )
    lines[line.supplier_id] = line
    return line


def _bare_line(session: Session, lines: dict[int, SupplierLine], supplier_id: int) -> SupplierLine:
    supplier = session.get(Supplier, supplier_id)
    line = SupplierLine(
        supplier_id=supplier_id,
        name=supplier.legal_name if supplier else f"Supplier {supplier_id}",
        place=_place(supplier) if supplier else "",
        qualifies=False,
    )
    lines[supplier_id] = line
    return line


def _add_engagement(
    session: Session, requirement: Requirement, lines: dict[int, SupplierLine]
) -> list[SupplierLine]:
    """Invitation, quote and award status onto the lines; returns lines for engaged
    suppliers the ranking did not list."""
    others: list[SupplierLine] = []

    def line_for(supplier_id: int) -> SupplierLine:
        if supplier_id not in lines:
            others.append(_bare_line(session, lines, supplier_id))
        return lines[supplier_id]

    for invitation in session.exec(
        select(Invitation).where(Invitation.requirement_id == requirement.id)
    ):
        line_for(invitation.supplier_id).invitation = invitation.status
    quoting = {}
    for quote in session.exec(select(Quote).where(Quote.requirement_id == requirement.id)):
        quoting[quote.supplier_id] = line_for(quote.supplier_id)
        quoting[quote.supplier_id].quote = quote.status
    for supplier_id, lacks in hard_constraint_lacks(session, requirement, quoting).items():
        line = quoting[supplier_id]
        line.quote_noncompliant = bool(lacks)
        line.lacks = line.lacks or list(lacks)
    for award in session.exec(select(Award).where(Award.requirement_id == requirement.id)):
        line_for(award.supplier_id).awarded = True
    return others


def _place(supplier: Supplier) -> str:
    return ", ".join(p for p in (supplier.district, supplier.state) if p)


# ---------------------------------------------------------------- CSV


def report_rows(report: MatchReport) -> tuple[list[str], list[list]]:
    """The report as one row per supplier, with only what the reader may see."""
    header = [
        "section",
        "rank",
        "supplier_id",
        "supplier",
        "place",
        "score",
        "match",
        "breakdown",
        "reasons",
        "lacks",
        "invitation",
        "quote",
        "quote_meets_hard_constraints",
    ]
    if report.show_prices:
        header += ["quote_total_inr", "lead_time_days"]
    if report.show_notes:
        header += ["recommendation", "notes"]
    rows = []
    sections = (("qualified", report.ranked), ("close", report.excluded), ("other", report.others))
    for section, lines in sections:
        for line in lines:
            row = [
                section,
                line.rank or "",
                line.supplier_id,
                line.name,
                line.place,
                f"{line.score:.3f}" if line.score is not None else "",
                line.match or "",
                "; ".join(f"{f.label} {f.contribution:.3f}" for f in line.factors),
                "; ".join(line.reasons),
                "; ".join(line.lacks),
                line.invitation or "not invited",
                line.stage if line.quote or line.awarded else "",
                ("no" if line.quote_noncompliant else "yes") if line.quote else "",
            ]
            if report.show_prices:
                row += [
                    f"{line.quote_total_inr:.2f}" if line.quote_total_inr is not None else "",
                    line.lead_time_days if line.lead_time_days is not None else "",
                ]
            if report.show_notes:
                recommendation = line.recommendation
                row += [
                    recommendation.recommendation_label if recommendation else "",
                    " | ".join(
                        f"{n.created_at:%Y-%m-%d %H:%M} UTC, {n.author}: {n.summary}"
                        for n in line.notes
                    ),
                ]
            rows.append(row)
    return header, rows
