"""Demo certificates: plans at every stage, held certificates with sample evidence, some
verified by their cluster's coordinator. Read from seeds/demo/certificates.json.

A row either adds evidence and a verification to a certificate the demo supplier already
holds, or starts a new record (a plan, or a recertification after a lapse). Dates in the
file are days relative to the day the demo is loaded, so the demo always shows audits
coming up. Loading twice changes nothing: a supplier with a live record for the code keeps
it, and evidence and verification are only added where they are missing.
"""

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind, actor_for_user
from suppliermatch.accounts.models import Organisation, OrganisationKind, User
from suppliermatch.certification import evidence as evidence_service
from suppliermatch.certification import service, verification
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.paths import SEEDS_DIR
from suppliermatch.suppliers.models import Supplier

DEMO_FILE = SEEDS_DIR / "demo" / "certificates.json"
EVIDENCE_DIR = SEEDS_DIR / "demo" / "evidence"
# The seed acts as the platform itself: audit rows name no person.
SEED_ACTOR = Actor(kind=ActorKind.ADMIN)
RELATIVE_DATES = {
    "issued_days_ago": ("issued_on", -1),
    "expires_in_days": ("expires_on", 1),
    "audit_in_days": ("audit_on", 1),
    "target_in_days": ("target_on", 1),
}
DETAIL_KEYS = ("scope", "certificate_number", "issuing_body")


def load_demo_certificates(
    session: Session,
    progress: Callable[[str], None] = lambda _m: None,
    *,
    upload_dir: str | Path,
    max_bytes: int,
    today: date | None = None,
) -> int:
    """Add the demo's certificate records; return how many were new."""
    today = today or service.today_in_india()
    rows = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["certificates"]
    created = missing = 0
    for row in rows:
        supplier = session.exec(
            select(Supplier).where(Supplier.external_ref == row["supplier"])
        ).first()
        if supplier is None:
            missing += 1
            continue
        record = _live_record(session, supplier.id, row["code"])
        if record is None:
            record = service.create_certificate(
                session,
                SEED_ACTOR,
                code=row["code"],
                supplier_id=supplier.id,
                state=row["state"],
                today=today,
                **_details(row, today),
            )
            created += 1
        if row.get("evidence") and not evidence_service.evidence_for(session, record.id):
            _attach(session, record, row["evidence"], upload_dir=upload_dir, max_bytes=max_bytes)
        if row.get("verified") and record.verification == service.Verification.UNVERIFIED:
            coordinator = _coordinator_of(session, supplier)
            if coordinator is not None and record.state == service.CertState.CERTIFIED:
                verification.verify(session, coordinator, record.id, version=record.version)
    session.flush()
    if missing:
        progress(f"certificates: {missing} row(s) name a supplier the demo does not have")
    return created


def _details(row: dict, today: date) -> dict:
    details = {key: row[key] for key in DETAIL_KEYS if key in row}
    for key, (field, sign) in RELATIVE_DATES.items():
        if key in row:
            details[field] = today + timedelta(days=sign * row[key])
    return details


def _live_record(session: Session, supplier_id: int, code: str) -> SupplierCertificate | None:
    """The supplier's plan or certificate for ``code`` that is not history yet, if any."""
    records = [r for r in service.supplier_certificates(session, supplier_id) if r.code == code]
    live = [r for r in service.current_records(records) if r.state not in service.CLOSED_STATES]
    return live[-1] if live else None


def _attach(
    session: Session, record: SupplierCertificate, filename: str, *, upload_dir, max_bytes: int
) -> None:
    data = (EVIDENCE_DIR / filename).read_bytes()
    evidence_service.add_evidence(
        session,
        SEED_ACTOR,
        record.id,
        stream=io.BytesIO(data),
        filename=filename,
        upload_dir=upload_dir,
        max_bytes=max_bytes,
    )


def _coordinator_of(session: Session, supplier: Supplier) -> Actor | None:
    statement = (
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            Organisation.kind == OrganisationKind.CLUSTER_OFFICE,
            Organisation.cluster_id == supplier.cluster_id,
        )
        .order_by(User.id)
    )
    user = session.exec(statement).first()
    return actor_for_user(session, user) if user is not None else None


def demo_loader(session: Session, progress: Callable[[str], None]) -> int:
    """``seeding.demo.extra_loaders`` entry: the upload folder and cap from the app."""
    from flask import current_app

    return load_demo_certificates(
        session,
        progress,
        upload_dir=current_app.config["UPLOAD_DIR"],
        max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
    )
