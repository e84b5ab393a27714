"""Qualifying an awarded supplier's part: the anchor opens a PPAP or first article inspection
from its template, the supplier uploads each element, the anchor accepts or returns each and
decides; an approved (or interim approved) qualification puts the supplier on the anchor's
approved-supplier list for the part and category until it lapses. After a rejected lot, an
8D corrective action runs on the same record.

States: open -> submitted -> approved | rejected | interim; a returned element sends a
submitted qualification back to open. Every move is in the audit trail. Who: the anchor
firm's users and admins decide, the supplier's users upload and fill the 8D; nobody else
learns that a qualification exists (404). Functions take the session and never commit.
"""

from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind, is_party_to
from suppliermatch.audit.service import record_transition
from suppliermatch.certification.evidence import display_name, store_document
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.models_base import utcnow
from suppliermatch.qualification.models import (
    CorrectiveAction,
    Qualification,
    QualificationElement,
    QualificationTemplate,
)
from suppliermatch.reference import qualification as ref
from suppliermatch.requirements.models import Award
from suppliermatch.requirements.visibility import get_managed
from suppliermatch.stored_files import megabytes
from suppliermatch.translatable import N_, marked

OPEN, SUBMITTED, APPROVED, REJECTED, INTERIM = (
    "open",
    "submitted",
    "approved",
    "rejected",
    "interim",
)
DECISIONS = (APPROVED, REJECTED, INTERIM)
ON_LIST = (APPROVED, INTERIM)
REQUESTED, UPLOADED, ACCEPTED, RETURNED = "requested", "uploaded", "accepted", "returned"
UPLOAD_SUBDIR = "qualification"


def _audit(session, actor: Actor, entity_id: int, action: str, **extra) -> None:
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type="qualification",
        entity_id=entity_id,
        action=action,
        **extra,
    )


def _is_buyer(actor: Actor) -> bool:
    return actor.is_admin or actor.kind == ActorKind.ANCHOR


def _check_buyer(actor: Actor) -> None:
    if not _is_buyer(actor):
        raise Forbidden("Only the anchor decides on a qualification.")


def _check_supplier(actor: Actor) -> None:
    if actor.kind != ActorKind.MSME:
        raise Forbidden("Only the supplier does this.")


# -- templates ------------------------------------------------------------------------------------


def _check_elements(kind: str, elements: list[str]) -> list[str]:
    known = ref.element_names(kind)
    unknown = [code for code in elements if code not in known]
    if unknown:
        raise ValidationFailed(
            N_(
                "Unknown %(kind)s element(s): %(unknown)s.",
                kind=kind.upper(),
                unknown=", ".join(unknown),
            ),
            field="elements",
        )
    return list(dict.fromkeys(elements))


def create_template(session: Session, *, actor: Actor, data: dict) -> QualificationTemplate:
    """An anchor's template: PPAP at a level (elements default to the level's) or FAI forms."""
    if actor.kind != ActorKind.ANCHOR:
        raise Forbidden("Templates belong to an anchor firm.")
    kind = data["kind"]
    level = data.get("ppap_level") if kind == ref.PPAP else None
    if kind == ref.PPAP and level is None:
        raise ValidationFailed("Give the PPAP submission level (1-5).", field="ppap_level")
    elements = _check_elements(kind, data.get("elements") or ref.default_elements(kind, level))
    taken = session.exec(
        select(QualificationTemplate.id).where(
            QualificationTemplate.anchor_id == actor.organisation_id,
            QualificationTemplate.name == data["name"],
        )
    ).first()
    if taken is not None:
        raise Conflict(N_("You have a template named %(name)s already.", name=data["name"]))
    template = QualificationTemplate(
        anchor_id=actor.organisation_id,
        name=data["name"],
        kind=kind,
        ppap_level=level,
        elements=elements,
    )
    session.add(template)
    session.flush()
    return template


def templates_of(session: Session, *, actor: Actor) -> list[QualificationTemplate]:
    if actor.kind != ActorKind.ANCHOR:
        raise Forbidden("Templates belong to an anchor firm.")
    return list(
        session.exec(
            select(QualificationTemplate)
            .where(QualificationTemplate.anchor_id == actor.organisation_id)
            .order_by(QualificationTemplate.name)
        )
    )


# -- opening, reading -----------------------------------------------------------------------------


def open_qualification(
    session: Session, *, actor: Actor, award_id: int, data: dict
) -> Qualification:
    """The anchor opens a qualification for an awarded supplier's part, from a template."""
    award = session.get(Award, award_id)
    if award is None:
        raise NotFound("No such award.")
    requirement = get_managed(session, actor, award.requirement_id)
    template = session.get(QualificationTemplate, data["template_id"])
    if template is None or template.anchor_id != requirement.anchor_id:
        raise ValidationFailed("No such template of yours.", field="template_id")
    qualification = Qualification(
        award_id=award.id,
        anchor_id=requirement.anchor_id,
        supplier_id=award.supplier_id,
        kind=template.kind,
        ppap_level=template.ppap_level,
        part=data["part"],
        category=data.get("category") or requirement.category,
        opened_by_id=actor.user_id,
    )
    session.add(qualification)
    session.flush()
    session.add_all(
        QualificationElement(qualification_id=qualification.id, code=code)
        for code in template.elements
    )
    session.flush()
    _audit(session, actor, qualification.id, "qualification_opened", to_state=OPEN,
           note=f"{template.name}: {qualification.part}")  # fmt: skip
    return qualification


def is_party(actor: Actor, qualification: Qualification) -> bool:
    return is_party_to(
        actor, anchor_id=qualification.anchor_id, supplier_id=qualification.supplier_id
    )


def get_qualification(session: Session, actor: Actor, qualification_id: int) -> Qualification:
    qualification = session.get(Qualification, qualification_id)
    if qualification is None or not is_party(actor, qualification):
        raise NotFound("No such qualification.")
    return qualification


def elements_of(session: Session, qualification_id: int) -> list[QualificationElement]:
    return list(
        session.exec(
            select(QualificationElement)
            .where(QualificationElement.qualification_id == qualification_id)
            .order_by(QualificationElement.id)
        )
    )


def corrective_actions_of(session: Session, qualification_id: int) -> list[CorrectiveAction]:
    return list(
        session.exec(
            select(CorrectiveAction)
            .where(CorrectiveAction.qualification_id == qualification_id)
            .order_by(CorrectiveAction.id)
        )
    )


def qualification_detail(session: Session, *, actor: Actor, qualification_id: int) -> dict:
    qualification = get_qualification(session, actor, qualification_id)
    names = ref.element_names(qualification.kind)
    return {
        "qualification": qualification,
        "elements": [
            {"element": e, "name": names.get(e.code, e.code)}
            for e in elements_of(session, qualification.id)
        ],
        "corrective_actions": corrective_actions_of(session, qualification.id),
    }


def qualifications_of(
    session: Session, *, actor: Actor, state: str | None = None, limit: int | None = None
) -> list[Qualification]:
    """The actor's side's qualifications (in ``state``, when given), newest first."""
    statement = select(Qualification)
    if state is not None:
        statement = statement.where(Qualification.state == state)
    if actor.kind == ActorKind.ANCHOR:
        statement = statement.where(Qualification.anchor_id == actor.organisation_id)
    elif actor.kind == ActorKind.MSME and actor.supplier_id is not None:
        statement = statement.where(Qualification.supplier_id == actor.supplier_id)
    else:
        raise Forbidden("Qualifications are the anchor's and the supplier's.")
    return list(session.exec(statement.order_by(Qualification.id.desc()).limit(limit)))


# -- elements -------------------------------------------------------------------------------------


def _element(session, actor, element_id: int) -> tuple[QualificationElement, Qualification]:
    element = session.get(QualificationElement, element_id)
    qualification = (
        session.get(Qualification, element.qualification_id) if element is not None else None
    )
    if qualification is None or not is_party(actor, qualification):
        raise NotFound("No such element.")
    return element, qualification


def upload_element(
    session: Session,
    *,
    actor: Actor,
    element_id: int,
    stream: BinaryIO,
    filename: str | None,
    upload_dir: str | Path,
    max_bytes: int,
) -> QualificationElement:
    """The supplier uploads an element's document (PDF, PNG or JPEG by content)."""
    element, qualification = _element(session, actor, element_id)
    _check_supplier(actor)
    if qualification.state != OPEN:
        raise Conflict(
            N_(
                "This qualification is %(state)s; uploads are closed.",
                state=marked(qualification.state),
            )
        )
    if element.state == ACCEPTED:
        raise Conflict("This element is accepted already.")
    stored = store_document(
        stream,
        Path(upload_dir) / UPLOAD_SUBDIR,
        max_bytes=max_bytes,
        refusal="Upload the element as a PDF, PNG or JPEG file; this file is none of these.",
        too_large=f"The file is larger than the {megabytes(max_bytes)} limit for an element.",
    )
    element.original_filename = display_name(filename, stored.file_format)
    element.stored_name = stored.stored_name
    element.content_type = stored.file_format.content_type
    element.size_bytes = stored.size
    element.sha256 = stored.sha256
    element.uploaded_at = utcnow()
    element.state = UPLOADED
    element.return_reason = None
    session.add(element)
    _audit(session, actor, qualification.id, "element_uploaded", to_state=UPLOADED,
           note=element.code, details={"sha256": stored.sha256, "bytes": stored.size})  # fmt: skip
    return element


def element_file(
    session: Session, *, actor: Actor, element_id: int, upload_dir: str | Path
) -> tuple[QualificationElement, Path]:
    element, _ = _element(session, actor, element_id)
    path = Path(upload_dir) / UPLOAD_SUBDIR / (element.stored_name or "")
    if element.stored_name is None or not path.is_file():
        raise NotFound("No document has been uploaded for this element.")
    return element, path


def submit(session: Session, *, actor: Actor, qualification_id: int) -> Qualification:
    """The supplier submits once every element has a document."""
    qualification = get_qualification(session, actor, qualification_id)
    _check_supplier(actor)
    if qualification.state != OPEN:
        raise Conflict(
            N_("This qualification is %(state)s, not open.", state=marked(qualification.state))
        )
    missing = [e.code for e in elements_of(session, qualification.id) if e.state in
               (REQUESTED, RETURNED)]  # fmt: skip
    if missing:
        raise ValidationFailed(
            N_("Upload every element first; missing: %(missing)s.", missing=", ".join(missing)),
            field="elements",
        )
    qualification.state = SUBMITTED
    session.add(qualification)
    _audit(session, actor, qualification.id, "qualification_submitted",
           from_state=OPEN, to_state=SUBMITTED)  # fmt: skip
    return qualification


def review_element(
    session: Session, *, actor: Actor, element_id: int, accept: bool, reason: str | None
) -> QualificationElement:
    """The anchor accepts an uploaded element, or returns it with a reason (a submitted
    qualification goes back to open for the supplier to upload again)."""
    element, qualification = _element(session, actor, element_id)
    _check_buyer(actor)
    if qualification.state not in (OPEN, SUBMITTED):
        raise Conflict(N_("This qualification is %(state)s.", state=marked(qualification.state)))
    if element.state != UPLOADED:
        raise Conflict("Only an uploaded element can be accepted or returned.")
    if not accept and not reason:
        raise ValidationFailed("Say why the element is returned.", field="reason")
    element.state = ACCEPTED if accept else RETURNED
    element.return_reason = None if accept else reason
    session.add(element)
    _audit(session, actor, qualification.id, f"element_{element.state}", to_state=element.state,
           note=f"{element.code}: {reason}" if reason else element.code)  # fmt: skip
    if not accept and qualification.state == SUBMITTED:
        qualification.state = OPEN
        session.add(qualification)
        _audit(session, actor, qualification.id, "qualification_reopened",
               from_state=SUBMITTED, to_state=OPEN, note=reason)  # fmt: skip
    return element


def decide(
    session: Session,
    *,
    actor: Actor,
    qualification_id: int,
    decision: str,
    valid_until: date | None = None,
    note: str | None = None,
) -> Qualification:
    """Approve (every element accepted), approve for an interim period, or reject (with a
    reason). An approval needs a validity end after today."""
    qualification = get_qualification(session, actor, qualification_id)
    _check_buyer(actor)
    if qualification.state != SUBMITTED:
        raise Conflict(
            N_(
                "Only a submitted qualification is decided; this one is %(state)s.",
                state=marked(qualification.state),
            )
        )
    expired = valid_until is None or valid_until <= today_in_india()
    if decision in ON_LIST and expired:
        raise ValidationFailed("An approval needs a validity end after today.", field="valid_until")
    if decision == APPROVED:
        pending = [e.code for e in elements_of(session, qualification.id) if e.state != ACCEPTED]
        if pending:
            raise Conflict(
                N_(
                    "Accept every element before approving; not yet: %(pending)s.",
                    pending=", ".join(pending),
                )
            )
    if decision in (REJECTED, INTERIM) and not note:
        raise ValidationFailed("Say why.", field="note")
    qualification.state = decision
    qualification.valid_until = valid_until if decision in ON_LIST else None
    qualification.decision_note = note
    qualification.decided_at = utcnow()
    session.add(qualification)
    _audit(session, actor, qualification.id, f"qualification_{decision}",
           from_state=SUBMITTED, to_state=decision, note=note)  # fmt: skip
    return qualification


# -- the approved-supplier list -------------------------------------------------------------------


def approved_list(
    session: Session, *, anchor_id: int, supplier_ids=None, today: date | None = None
) -> list[Qualification]:
    """Approved and interim approved qualifications of an anchor still valid today."""
    today = today or today_in_india()
    statement = select(Qualification).where(
        Qualification.anchor_id == anchor_id,
        Qualification.state.in_(ON_LIST),
        Qualification.valid_until >= today,
    )
    if supplier_ids is not None:
        statement = statement.where(Qualification.supplier_id.in_(list(supplier_ids)))
    return list(session.exec(statement.order_by(Qualification.part)))


def approvals_text(session: Session, *, anchor_id: int, supplier_ids) -> dict[int, str]:
    """For matching: "approved by this anchor for <part> ..." per supplier on the list."""
    from suppliermatch.reference.taxonomy import default_taxonomy

    taxonomy = default_taxonomy()
    texts: dict[int, list[str]] = {}
    for q in approved_list(session, anchor_id=anchor_id, supplier_ids=supplier_ids):
        category = (
            taxonomy.category(q.category).name if taxonomy.has_category(q.category or "")
            else q.category
        )  # fmt: skip
        what = q.part + (f" ({category})" if category else "")
        interim = " (interim)" if q.state == INTERIM else ""
        texts.setdefault(q.supplier_id, []).append(f"{what}{interim}")
    return {sid: "approved by this anchor for " + "; ".join(parts) for sid, parts in texts.items()}


def my_approved_list(session: Session, *, actor: Actor) -> list[Qualification]:
    if actor.kind != ActorKind.ANCHOR:
        raise Forbidden("The approved-supplier list is an anchor firm's.")
    return approved_list(session, anchor_id=actor.organisation_id)


# -- 8D corrective actions ------------------------------------------------------------------------


def open_corrective_action(
    session: Session, *, actor: Actor, qualification_id: int, data: dict
) -> CorrectiveAction:
    """After a rejected lot the anchor opens an 8D with the problem (D2) on the record."""
    qualification = get_qualification(session, actor, qualification_id)
    _check_buyer(actor)
    if qualification.state not in ON_LIST:
        raise Conflict("Corrective actions follow lots of an approved part.")
    action = CorrectiveAction(
        qualification_id=qualification.id,
        lot_reference=data["lot_reference"],
        rejected_on=data["rejected_on"],
        disciplines={"d2": data["problem"]},
        opened_by_id=actor.user_id,
    )
    session.add(action)
    session.flush()
    _audit(session, actor, qualification.id, "corrective_action_opened", to_state="open",
           note=f"8D #{action.id}, lot {action.lot_reference}")  # fmt: skip
    return action


def _action(session, actor, action_id: int) -> tuple[CorrectiveAction, Qualification]:
    action = session.get(CorrectiveAction, action_id)
    qualification = (
        session.get(Qualification, action.qualification_id) if action is not None else None
    )
    if qualification is None or not is_party(actor, qualification):
        raise NotFound("No such corrective action.")
    return action, qualification


def update_disciplines(
    session: Session, *, actor: Actor, action_id: int, disciplines: dict
) -> CorrectiveAction:
    """The supplier writes the disciplines D1-D8 (an approved one is no longer changed)."""
    action, qualification = _action(session, actor, action_id)
    _check_supplier(actor)
    if action.state != "open":
        raise Conflict("This corrective action is closed.")
    locked = {"d3"} if action.containment_approved_at else set()
    locked |= {"d4"} if action.root_cause_approved_at else set()
    if locked & set(disciplines):
        raise Conflict(
            N_(
                "Approved already: %(disciplines)s.",
                disciplines=", ".join(sorted(locked & set(disciplines))),
            )
        )
    action.disciplines = {**action.disciplines, **disciplines}
    session.add(action)
    _audit(session, actor, qualification.id, "corrective_action_updated",
           note=f"8D #{action.id}: {', '.join(sorted(disciplines))}")  # fmt: skip
    return action


APPROVALS = {"containment": ("d3", "containment_approved_at"),
             "root_cause": ("d4", "root_cause_approved_at")}  # fmt: skip


def approve_step(session: Session, *, actor: Actor, action_id: int, step: str) -> CorrectiveAction:
    """The anchor approves the containment (D3) or the root cause (D4); closing (D8) needs
    both and every discipline written."""
    action, qualification = _action(session, actor, action_id)
    _check_buyer(actor)
    if action.state != "open":
        raise Conflict("This corrective action is closed.")
    if step == "close":
        unwritten = [d for d in ref.EIGHT_D if not action.disciplines.get(d)]
        if unwritten or not (action.containment_approved_at and action.root_cause_approved_at):
            raise Conflict("Close an 8D once D1-D8 are written and D3 and D4 approved.")
        action.state = "closed"
    else:
        discipline, column = APPROVALS[step]
        if not action.disciplines.get(discipline):
            raise Conflict(
                N_("%(discipline)s is not written yet.", discipline=ref.EIGHT_D[discipline])
            )
        if getattr(action, column) is not None:
            raise Conflict("Approved already.")
        setattr(action, column, utcnow())
    session.add(action)
    _audit(session, actor, qualification.id, f"corrective_action_{step}",
           note=f"8D #{action.id}")  # fmt: skip
    return action


# -- what the pages read --------------------------------------------------------------------------


def award_qualifications(session: Session, *, actor: Actor, award_id: int) -> dict:
    """An award the actor's firm manages: the requirement, the supplier's name, the firm's
    templates to open a qualification from, and the qualifications opened under it."""
    from suppliermatch.suppliers.models import Supplier

    award = session.get(Award, award_id)
    if award is None:
        raise NotFound("No such award.")
    requirement = get_managed(session, actor, award.requirement_id)
    supplier = session.get(Supplier, award.supplier_id)
    templates = session.exec(
        select(QualificationTemplate)
        .where(QualificationTemplate.anchor_id == requirement.anchor_id)
        .order_by(QualificationTemplate.name)
    )
    qualifications = session.exec(
        select(Qualification)
        .where(Qualification.award_id == award.id)
        .order_by(Qualification.id.desc())
    )
    return {
        "award": award,
        "requirement": requirement,
        "supplier_name": supplier.legal_name if supplier else "",
        "templates": list(templates),
        "qualifications": list(qualifications),
    }


def history(session: Session, *, actor: Actor, qualification_id: int) -> list:
    """Every move on the qualification, its elements and its 8D actions, oldest first."""
    from suppliermatch.audit.service import entity_history

    qualification = get_qualification(session, actor, qualification_id)
    return entity_history(session, "qualification", qualification.id)


def waiting_on(session: Session, *, actor: Actor, limit: int | None = None) -> list[Qualification]:
    """What waits for the actor's side: for the anchor, submissions to review; for the
    supplier, qualifications open for its uploads."""
    state = SUBMITTED if actor.kind == ActorKind.ANCHOR else OPEN
    return qualifications_of(session, actor=actor, state=state, limit=limit)


def parties(session: Session, qualifications: list[Qualification]) -> dict[int, dict]:
    """{qualification id: the anchor's and the supplier's names and the requirement awarded},
    for lists and headings (the caller has checked the actor may see each qualification)."""
    from suppliermatch.accounts.models import Organisation
    from suppliermatch.requirements.models import Requirement
    from suppliermatch.suppliers.models import Supplier

    if not qualifications:
        return {}
    anchors = dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({q.anchor_id for q in qualifications})
            )
        ).all()
    )
    suppliers = dict(
        session.exec(
            select(Supplier.id, Supplier.legal_name).where(
                Supplier.id.in_({q.supplier_id for q in qualifications})
            )
        ).all()
    )
    requirements = {
        award_id: (requirement_id, title)
        for award_id, requirement_id, title in session.exec(
            select(Award.id, Requirement.id, Requirement.title)
            .join(Requirement, Requirement.id == Award.requirement_id)
            .where(Award.id.in_({q.award_id for q in qualifications}))
        ).all()
    }
    return {
        q.id: {
            "anchor": anchors.get(q.anchor_id, ""),
            "supplier": suppliers.get(q.supplier_id, ""),
            "requirement_id": requirements[q.award_id][0],
            "requirement": requirements[q.award_id][1],
        }
        for q in qualifications
    }


def element_of_party(session: Session, actor: Actor, element_id: int):
    """(element, qualification) when the actor is a party to it, else 404."""
    return _element(session, actor, element_id)


def action_of_party(session: Session, actor: Actor, action_id: int):
    """(corrective action, qualification) when the actor is a party to it, else 404."""
    return _action(session, actor, action_id)
