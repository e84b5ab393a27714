"""Coordinator notes on a match report: one per supplier per visit, never edited.

The latest note that gives a recommendation is the supplier's current recommendation; all
notes stay on the report with their author and time. Callers commit.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from suppliermatch.access import Actor
from suppliermatch.accounts.models import User
from suppliermatch.errors import ValidationFailed
from suppliermatch.models_base import utcnow
from suppliermatch.reports.models import CoordinatorNote, Recommendation
from suppliermatch.reports.service import noted_requirement
from suppliermatch.requirements.lifecycle import as_utc
from suppliermatch.suppliers.models import Supplier

RECOMMENDATION_LABELS = {
    Recommendation.RECOMMENDED: "Recommended",
    Recommendation.CONSIDER: "Worth considering",
    Recommendation.DEVELOP: "Needs development first",
    Recommendation.NOT_RECOMMENDED: "Not recommended",
}
RECOMMENDATION_TONES = {
    Recommendation.RECOMMENDED: "good",
    Recommendation.CONSIDER: "",
    Recommendation.DEVELOP: "warn",
    Recommendation.NOT_RECOMMENDED: "bad",
}


@dataclass(frozen=True)
class NoteView:
    id: int
    supplier_id: int
    author: str
    text: str
    recommendation: str | None
    created_at: datetime

    @property
    def recommendation_label(self) -> str | None:
        return RECOMMENDATION_LABELS.get(self.recommendation) if self.recommendation else None

    @property
    def summary(self) -> str:
        """The advice and the text on one line: "Recommended - sound plating line"."""
        return " - ".join(p for p in (self.recommendation_label, self.text) if p)

    @classmethod
    def of(cls, note: CoordinatorNote, author: str | None) -> "NoteView":
        return cls(
            id=note.id,
            supplier_id=note.supplier_id,
            author=author or "a former user",
            text=note.text,
            recommendation=note.recommendation,
            created_at=as_utc(note.created_at),
        )

    @property
    def tone(self) -> str:
        return RECOMMENDATION_TONES.get(self.recommendation, "") if self.recommendation else ""


def add_note(
    session: Session,
    actor: Actor,
    *,
    requirement_id: int,
    supplier_id: int,
    text: str | None = None,
    recommendation: str | None = None,
) -> NoteView:
    """The coordinator's note on ``supplier_id`` for the requirement (text, advice or both)."""
    requirement = noted_requirement(session, actor, requirement_id)
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.merged_into_id is not None:
        raise ValidationFailed("No such supplier.", field="supplier_id")
    if not (text or "").strip() and not recommendation:
        raise ValidationFailed("Write a note or choose a recommendation.", field="text")
    note = CoordinatorNote(
        requirement_id=requirement.id,
        supplier_id=supplier.id,
        author_id=actor.user_id,
        text=(text or "").strip(),
        recommendation=recommendation,
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    author = session.get(User, actor.user_id) if actor.user_id else None
    return NoteView.of(note, author.full_name if author else None)


def notes_by_supplier(session: Session, requirement_id: int) -> dict[int, list[NoteView]]:
    """Every note on the requirement's report, newest first, by supplier."""
    rows = session.exec(
        select(CoordinatorNote, User.full_name)
        .join(User, col(User.id) == CoordinatorNote.author_id, isouter=True)
        .where(CoordinatorNote.requirement_id == requirement_id)
        .order_by(col(CoordinatorNote.created_at).desc(), col(CoordinatorNote.id).desc())
    ).all()
    found: dict[int, list[NoteView]] = defaultdict(list)
    for note, author in rows:
        found[note.supplier_id].append(NoteView.of(note, author))
    return found


def current_recommendation(notes: list[NoteView]) -> NoteView | None:
    """The newest note that gives a recommendation (notes come newest first)."""
    return next((n for n in notes if n.recommendation), None)
