"""Certificate records from intention to expiry.

A record moves planned -> in_preparation -> applied -> audit_scheduled -> certified, and a
certified one ends expired, suspended or withdrawn. Every move is a call here that checks
who is asking, refuses an illegal move with Conflict (409), writes the change under the
version check (two writers cannot both win) and records the audit trail. A renewal is a
new record pointing at the one it renews, so past validity periods stay on file.

``expires_on`` is the last day a certificate is valid (the "valid until" it carries): it
counts on that day and stops counting the day after, which is also when the daily tick
moves it to ``expired``. Callers commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import Select
from sqlmodel import Session, col, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.audit.models import AuditEvent
from suppliermatch.audit.service import entity_history, record_transition
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.permissions import (
    Purpose,
    certificate_for,
    supplier_for,
)
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.formats import day_text, when
from suppliermatch.locking import claim, stale_message
from suppliermatch.reference.certificates import counts_on, default_catalogue
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_, marked

AUDIT_ENTITY = "certificate"


class CertState(StrEnum):
    PLANNED = "planned"
    IN_PREPARATION = "in_preparation"
    APPLIED = "applied"
    AUDIT_SCHEDULED = "audit_scheduled"
    CERTIFIED = "certified"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"


def record_counts_on(state: str, expires_on: date | None, verification: str, on: date) -> bool:
    """Whether a certificate record counts on ``on``: the one rule that profiles, search and
    matching share. Certified and valid that day (``reference.certificates.counts_on``), and
    not rejected by a coordinator against its evidence."""
    return verification != Verification.REJECTED and counts_on(state, expires_on, on)


S = CertState
# The only moves there are. Withdrawing ends a plan or a certificate at any live stage; an
# audit that is postponed or failed sends the record back to "applied"; a suspended
# certificate can be reinstated by its body.
TRANSITIONS: dict[CertState, frozenset[CertState]] = {
    S.PLANNED: frozenset({S.IN_PREPARATION, S.WITHDRAWN}),
    S.IN_PREPARATION: frozenset({S.APPLIED, S.WITHDRAWN}),
    S.APPLIED: frozenset({S.AUDIT_SCHEDULED, S.WITHDRAWN}),
    S.AUDIT_SCHEDULED: frozenset({S.CERTIFIED, S.APPLIED, S.WITHDRAWN}),
    S.CERTIFIED: frozenset({S.EXPIRED, S.SUSPENDED, S.WITHDRAWN}),
    S.SUSPENDED: frozenset({S.CERTIFIED, S.EXPIRED, S.WITHDRAWN}),
    S.EXPIRED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
# A new record is a plan, or one at a later stage the MSME has already reached.
INITIAL_STATES = (S.PLANNED, S.IN_PREPARATION, S.APPLIED, S.AUDIT_SCHEDULED, S.CERTIFIED)
PIPELINE_STATES = (S.PLANNED, S.IN_PREPARATION, S.APPLIED, S.AUDIT_SCHEDULED)
# Finished records: kept as history, no longer edited.
CLOSED_STATES = frozenset({S.EXPIRED, S.WITHDRAWN})
# A new validity period follows a current or a lapsed certificate.
RENEWABLE_STATES = frozenset({S.CERTIFIED, S.EXPIRED})
# What a record must carry to be in a state.
REQUIRED_IN_STATE: dict[CertState, tuple[str, ...]] = {
    S.AUDIT_SCHEDULED: ("audit_on",),
    S.CERTIFIED: ("certificate_number", "issuing_body", "issued_on", "expires_on"),
}
# Changing any of these on a verified (or rejected) record sends it back for verification.
VERIFIED_FACTS = ("certificate_number", "issuing_body", "issued_on", "expires_on")
EDITABLE_FIELDS = (
    "scope",
    "certificate_number",
    "issuing_body",
    "issued_on",
    "expires_on",
    "target_on",
    "audit_on",
)
FIELD_LABELS = {
    "certificate_number": "certificate number",
    "issuing_body": "issuing body",
    "issued_on": "issue date",
    "expires_on": "expiry date",
    "audit_on": "audit date",
    "target_on": "target date",
}


def state_label(state: str) -> str:
    return state.replace("_", " ")


# ---------------------------------------------------------------- reading


def get_certificate(session: Session, actor: Actor, certificate_id: int) -> SupplierCertificate:
    certificate, _ = certificate_for(session, actor, certificate_id, Purpose.READ)
    return certificate


def list_certificates_statement(
    session: Session,
    actor: Actor,
    *,
    supplier_id: int | None = None,
    state: str | None = None,
    code: str | None = None,
    verification: str | None = None,
) -> Select:
    """The records ``actor`` may list: an MSME its own, a coordinator its cluster's."""
    statement = select(SupplierCertificate)
    if supplier_id is not None:
        supplier_for(session, actor, supplier_id, Purpose.READ)
        statement = statement.where(SupplierCertificate.supplier_id == supplier_id)
    if actor.kind == ActorKind.MSME:
        statement = statement.where(SupplierCertificate.supplier_id == (actor.supplier_id or -1))
    elif actor.kind == ActorKind.COORDINATOR:
        statement = statement.join(Supplier, Supplier.id == SupplierCertificate.supplier_id).where(
            Supplier.cluster_id == actor.cluster_id
        )
    elif not actor.is_admin:
        raise Forbidden("Your account cannot list certificates.")
    if state:
        statement = statement.where(SupplierCertificate.state == state)
    if code:
        statement = statement.where(SupplierCertificate.code == code)
    if verification:
        statement = statement.where(SupplierCertificate.verification == verification)
    return statement.order_by(SupplierCertificate.supplier_id, SupplierCertificate.id)


def supplier_certificates(session: Session, supplier_id: int) -> list[SupplierCertificate]:
    statement = (
        select(SupplierCertificate)
        .where(SupplierCertificate.supplier_id == supplier_id)
        .order_by(SupplierCertificate.code, SupplierCertificate.id)
    )
    return list(session.exec(statement))


def renewed_ids(session: Session, certificate_ids: Iterable[int]) -> dict[int, int]:
    """{renewed record id: id of the record that renews it} for the given ids."""
    ids = list(certificate_ids)
    if not ids:
        return {}
    statement = select(SupplierCertificate.renews_id, SupplierCertificate.id).where(
        col(SupplierCertificate.renews_id).in_(ids)
    )
    return {renews_id: renewal_id for renews_id, renewal_id in session.exec(statement)}


def current_records(records: list[SupplierCertificate]) -> list[SupplierCertificate]:
    """The records not yet renewed by another: one per validity chain."""
    renewed = {r.renews_id for r in records if r.renews_id is not None}
    return [r for r in records if r.id not in renewed]


def renewal_chain(session: Session, certificate: SupplierCertificate) -> list[SupplierCertificate]:
    """Every validity period of this certificate, oldest first."""
    records = {r.id: r for r in supplier_certificates(session, certificate.supplier_id)}
    chain = [certificate]
    while chain[0].renews_id is not None and chain[0].renews_id in records:
        chain.insert(0, records[chain[0].renews_id])
    successors = {r.renews_id: r for r in records.values() if r.renews_id is not None}
    while chain[-1].id in successors:
        chain.append(successors[chain[-1].id])
    return chain


def history(session: Session, actor: Actor, certificate_id: int) -> list[AuditEvent]:
    certificate, _ = certificate_for(session, actor, certificate_id, Purpose.READ)
    return entity_history(session, AUDIT_ENTITY, certificate.id)


def next_states(certificate: SupplierCertificate) -> list[str]:
    """The moves a person can make from here (expiry is the daily tick's job)."""
    allowed = TRANSITIONS[CertState(certificate.state)] - {S.EXPIRED}
    return [s.value for s in CertState if s in allowed]


# ---------------------------------------------------------------- what counts


@dataclass(frozen=True)
class HeldCertificate:
    """A certificate that counts, in the shape ``reference.certificates`` matches against."""

    certificate_id: int
    supplier_id: int
    code: str
    status: str
    valid_until: date
    verified: bool


def countable_certificates(
    session: Session, supplier_id: int, *, on: date
) -> list[HeldCertificate]:
    """The supplier's certificates that count on ``on``: certified and valid that day.

    Expired, suspended, withdrawn, planned and applied-for records never count; nor does a
    certificate a coordinator rejected against its evidence. A certified record whose
    expiry has passed stops counting even before the daily tick marks it expired.
    """
    return countable_certificates_by_supplier(session, [supplier_id], on=on).get(supplier_id, [])


def countable_certificates_by_supplier(
    session: Session, supplier_ids: Iterable[int], *, on: date
) -> dict[int, list[HeldCertificate]]:
    """``countable_certificates`` for many suppliers in one query (for ranking)."""
    ids = list(supplier_ids)
    if not ids:
        return {}
    statement = select(SupplierCertificate).where(
        col(SupplierCertificate.supplier_id).in_(ids),
        SupplierCertificate.state == S.CERTIFIED,
        SupplierCertificate.verification != Verification.REJECTED,
        col(SupplierCertificate.expires_on) >= on,
    )
    found: dict[int, list[HeldCertificate]] = {}
    for record in session.exec(statement):
        if not record_counts_on(record.state, record.expires_on, record.verification, on):
            continue
        found.setdefault(record.supplier_id, []).append(
            HeldCertificate(
                certificate_id=record.id,
                supplier_id=record.supplier_id,
                code=record.code,
                status=record.state,
                valid_until=record.expires_on,
                verified=record.verification == Verification.VERIFIED,
            )
        )
    return found


# ---------------------------------------------------------------- changing


def create_certificate(
    session: Session,
    actor: Actor,
    *,
    code: str,
    supplier_id: int | None = None,
    state: str = S.PLANNED,
    note: str | None = None,
    today: date | None = None,
    **details,
) -> SupplierCertificate:
    """Record a plan or an already-held certificate for a supplier.

    MSMEs record for their own profile; coordinators name a supplier of their cluster.
    ``details`` are the EDITABLE_FIELDS.
    """
    today = today or today_in_india()
    supplier = _supplier_to_record_for(session, actor, supplier_id)
    if code not in default_catalogue():
        raise ValidationFailed(
            N_("'%(code)s' is not a certificate in the catalogue.", code=code), field="code"
        )
    if state not in INITIAL_STATES:
        allowed = ", ".join(INITIAL_STATES)
        raise ValidationFailed(
            N_("A new record starts as one of: %(allowed)s.", allowed=allowed), field="state"
        )
    _check_unknown_fields(details)
    _refuse_second_live_record(session, supplier.id, code)
    values = {k: v for k, v in details.items() if v is not None}
    _check_record(CertState(state), values, today=today)
    certificate = SupplierCertificate(supplier_id=supplier.id, code=code, state=state, **values)
    session.add(certificate)
    session.flush()
    audit(
        session,
        certificate.id,
        "create",
        actor_user_id=actor.user_id,
        to_state=state,
        note=note,
    )
    return certificate


def update_certificate(
    session: Session,
    actor: Actor,
    certificate_id: int,
    *,
    version: int,
    changes: dict,
    note: str | None = None,
    today: date | None = None,
) -> SupplierCertificate:
    """Edit a record's details. A verified record whose facts change goes back to unverified."""
    today = today or today_in_india()
    certificate, _ = certificate_for(session, actor, certificate_id, Purpose.MANAGE)
    _check_version(certificate, version)
    if certificate.state in CLOSED_STATES:
        raise Conflict(
            N_(
                "This record is %(state)s; it is kept as history and cannot be edited.",
                state=marked(state_label(certificate.state)),
            )
        )
    _check_unknown_fields(changes)
    changed = {k: v for k, v in changes.items() if getattr(certificate, k) != v}
    if not changed:
        return certificate
    merged = {f: getattr(certificate, f) for f in EDITABLE_FIELDS} | changed
    _check_record(CertState(certificate.state), merged, today=today)
    verification_reset = certificate.verification != Verification.UNVERIFIED and any(
        f in changed for f in VERIFIED_FACTS
    )
    values = dict(changed)
    if verification_reset:
        values.update(_unverified())
    previous_verification = certificate.verification
    write_with_version(session, certificate, version, values)
    audit(
        session,
        certificate.id,
        "edit",
        actor_user_id=actor.user_id,
        note=note,
        details={"fields": sorted(changed)},
    )
    if verification_reset:
        audit(
            session,
            certificate.id,
            "verification_reset",
            actor_user_id=actor.user_id,
            from_state=previous_verification,
            to_state=Verification.UNVERIFIED,
            note="Certificate number, issuing body or dates changed.",
        )
    return certificate


def transition(
    session: Session,
    actor: Actor,
    certificate_id: int,
    *,
    to_state: str,
    version: int,
    note: str | None = None,
    changes: dict | None = None,
    today: date | None = None,
) -> SupplierCertificate:
    """Move a record to ``to_state``; ``changes`` carry what the new state needs
    (the audit date when scheduling, number and dates when certified)."""
    today = today or today_in_india()
    certificate, _ = certificate_for(session, actor, certificate_id, Purpose.MANAGE)
    _check_version(certificate, version)
    return move(
        session,
        certificate,
        to_state,
        actor_user_id=actor.user_id,
        note=note,
        changes=changes or {},
        today=today,
    )


def move(
    session: Session,
    certificate: SupplierCertificate,
    to_state: str,
    *,
    actor_user_id: int | None,
    note: str | None = None,
    changes: dict | None = None,
    today: date,
) -> SupplierCertificate:
    """The state machine itself, for callers that already checked access (and the tick)."""
    current = CertState(certificate.state)
    try:
        target = CertState(to_state)
    except ValueError:
        raise ValidationFailed(
            N_("'%(state)s' is not a certificate state.", state=to_state), field="to"
        ) from None
    if target not in TRANSITIONS[current]:
        raise Conflict(_illegal_move_message(current, target))
    if target == S.EXPIRED and (certificate.expires_on is None or certificate.expires_on >= today):
        raise Conflict(
            N_(
                "This certificate is valid until %(day)s; it expires by itself after that day.",
                day=when(certificate.expires_on, missing="an unknown date"),
            )
        )
    changes = changes or {}
    _check_unknown_fields(changes)
    values = {k: v for k, v in changes.items() if v is not None}
    merged = {f: getattr(certificate, f) for f in EDITABLE_FIELDS} | values
    _check_record(target, merged, today=today)
    values["state"] = target.value
    if target == S.CERTIFIED:
        # What a coordinator verified was the record before this move.
        values.update(_unverified())
    write_with_version(session, certificate, certificate.version, values)
    audit(
        session,
        certificate.id,
        "transition",
        actor_user_id=actor_user_id,
        from_state=current.value,
        to_state=target.value,
        note=note,
    )
    return certificate


def renew(
    session: Session,
    actor: Actor,
    certificate_id: int,
    *,
    version: int,
    certificate_number: str,
    issuing_body: str,
    issued_on: date,
    expires_on: date,
    scope: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> SupplierCertificate:
    """Record the next validity period as a new certified record; the old one stays on file."""
    today = today or today_in_india()
    previous, _ = certificate_for(session, actor, certificate_id, Purpose.MANAGE)
    _check_version(previous, version)
    if previous.state not in RENEWABLE_STATES:
        raise Conflict(
            N_(
                "A %(state)s record cannot be renewed; only a certified or expired one can.",
                state=marked(state_label(previous.state)),
            )
        )
    if renewed_ids(session, [previous.id]):
        raise Conflict("This certificate has been renewed already; renew the latest record.")
    if previous.expires_on is not None and expires_on <= previous.expires_on:
        raise ValidationFailed(
            N_(
                "The renewed certificate must be valid beyond %(day)s.",
                day=day_text(previous.expires_on),
            ),
            field="expires_on",
        )
    values = {
        "scope": scope if scope is not None else previous.scope,
        "certificate_number": certificate_number,
        "issuing_body": issuing_body,
        "issued_on": issued_on,
        "expires_on": expires_on,
    }
    _check_record(S.CERTIFIED, values, today=today)
    renewal = SupplierCertificate(
        supplier_id=previous.supplier_id,
        code=previous.code,
        state=S.CERTIFIED,
        renews_id=previous.id,
        **values,
    )
    session.add(renewal)
    session.flush()
    # Bump the old record's version: a stale form for it must not renew it twice.
    write_with_version(session, previous, version, {})
    audit(
        session,
        previous.id,
        "renewed",
        actor_user_id=actor.user_id,
        note=note,
        details={"renewal_id": renewal.id},
    )
    audit(
        session,
        renewal.id,
        "create",
        actor_user_id=actor.user_id,
        to_state=S.CERTIFIED,
        note=note,
        details={"renews_id": previous.id},
    )
    return renewal


# ---------------------------------------------------------------- helpers


def audit(
    session: Session, certificate_id: int, action: str, *, actor_user_id: int | None, **fields
) -> None:
    """One line of a certificate's audit trail (who, what, from, to, why)."""
    record_transition(
        session,
        actor_user_id=actor_user_id,
        entity_type=AUDIT_ENTITY,
        entity_id=certificate_id,
        action=action,
        **fields,
    )


def write_with_version(
    session: Session, certificate: SupplierCertificate, expected_version: int, values: dict
) -> None:
    """UPDATE ... WHERE version = expected: of two concurrent writers only one succeeds."""
    claim(session, certificate, what="certificate", version=expected_version, values=values)


def _check_version(certificate: SupplierCertificate, version: int) -> None:
    if certificate.version != version:
        raise Conflict(stale_message("certificate", version, certificate.version), field="version")


def _unverified() -> dict:
    return {
        "verification": Verification.UNVERIFIED,
        "verified_by_id": None,
        "verified_at": None,
        "rejection_reason": None,
    }


def _illegal_move_message(current: CertState, target: CertState) -> str:
    allowed = [state_label(s) for s in CertState if s in TRANSITIONS[current]]
    if not allowed:
        return N_(
            "A %(state)s record is final; record a renewal or a new plan instead.",
            state=marked(state_label(current)),
        )
    return N_(
        "A %(state)s record cannot become %(target)s; it can become: %(allowed)s.",
        state=marked(state_label(current)),
        target=marked(state_label(target)),
        allowed=", ".join(allowed),
    )


def _check_unknown_fields(values: dict) -> None:
    unknown = sorted(set(values) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(N_("Unknown field: %(field)s.", field=unknown[0]), field=unknown[0])


def _check_record(state: CertState, values: dict, *, today: date) -> None:
    """A record in ``state`` with these details must make sense, or 422 naming the field."""
    for field in REQUIRED_IN_STATE.get(state, ()):
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValidationFailed(
                N_(
                    "A %(state)s record needs its %(field)s.",
                    state=marked(state_label(state)),
                    field=marked(FIELD_LABELS[field]),
                ),
                field=field,
            )
    issued_on, expires_on = values.get("issued_on"), values.get("expires_on")
    if issued_on is not None and issued_on > today:
        raise ValidationFailed("The issue date cannot be in the future.", field="issued_on")
    if issued_on is not None and expires_on is not None and expires_on <= issued_on:
        raise ValidationFailed(
            "The expiry date must come after the issue date.", field="expires_on"
        )
    if state == S.CERTIFIED and expires_on is not None and expires_on < today:
        raise ValidationFailed(
            N_(
                "This certificate was valid until %(day)s, which has passed; "
                "record the renewed certificate instead.",
                day=day_text(expires_on),
            ),
            field="expires_on",
        )


def _supplier_to_record_for(session: Session, actor: Actor, supplier_id: int | None) -> Supplier:
    if actor.kind == ActorKind.MSME:
        if actor.supplier_id is None:
            raise Conflict("Set up your supplier profile before recording certificates.")
        if supplier_id is not None and supplier_id != actor.supplier_id:
            raise NotFound("No such supplier.")
        supplier_id = actor.supplier_id
    elif supplier_id is None:
        raise ValidationFailed(
            "Name the supplier this certificate belongs to.", field="supplier_id"
        )
    return supplier_for(session, actor, supplier_id, Purpose.MANAGE)


def _refuse_second_live_record(session: Session, supplier_id: int, code: str) -> None:
    records = [r for r in supplier_certificates(session, supplier_id) if r.code == code]
    live = [r for r in current_records(records) if r.state not in CLOSED_STATES]
    if live:
        name = default_catalogue().display_name(code)
        raise Conflict(
            N_(
                "There is already a %(state)s %(name)s record (#%(id)s); "
                "move that one forward or renew it instead.",
                state=marked(state_label(live[0].state)),
                name=name,
                id=live[0].id,
            ),
            field="code",
        )
