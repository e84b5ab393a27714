"""Demo qualifications for ``flask seed demo``: after Vindhya Magnets' award to Gangadevi
Electroplaters (requirements.demo.AFTER_AWARD_REF), one part approved (the supplier is on
Vindhya's approved-supplier list) and one first article submitted, waiting for the anchor's
review. Played through the service as each party would; idempotent by template name and
part.
"""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from suppliermatch.dates import today_in_india
from suppliermatch.paths import SEEDS_DIR
from suppliermatch.qualification import service
from suppliermatch.qualification.models import Qualification, QualificationTemplate
from suppliermatch.reference import qualification as ref
from suppliermatch.requirements.demo import demo_award

SAMPLE_DOCUMENT = SEEDS_DIR / "demo" / "evidence" / "qualification-document-sample.pdf"
TEMPLATES = (
    {"name": "PPAP level 2", "kind": ref.PPAP, "ppap_level": 2},
    {"name": "First article (AS9102)", "kind": ref.FAI},
)
# (template, part, how far it goes)
QUALIFICATIONS = (
    ("PPAP level 2", "Passivated fixture VF-120", "approved"),
    ("First article (AS9102)", "Passivated clamp plate VC-40", "submitted"),
)
APPROVAL_DAYS = 365


def load_demo_qualifications(
    session: Session,
    progress: Callable[[str], None] = lambda _m: None,
    *,
    upload_dir: str | Path,
    max_bytes: int,
) -> int:
    """Add the demo qualifications not there yet; return how many were new."""
    found = demo_award(session)
    if found is None:
        progress("qualifications: no awarded demo requirement, none added")
        return 0
    award, buyer, supplier = found
    templates = {data["name"]: _template(session, buyer, data) for data in TEMPLATES}
    created = 0
    for template_name, part, goal in QUALIFICATIONS:
        exists = session.exec(
            select(Qualification.id).where(
                Qualification.award_id == award.id, Qualification.part == part
            )
        ).first()
        if exists is not None:
            continue
        qualification = service.open_qualification(
            session,
            actor=buyer,
            award_id=award.id,
            data={"template_id": templates[template_name].id, "part": part},
        )
        for element in service.elements_of(session, qualification.id):
            with SAMPLE_DOCUMENT.open("rb") as stream:
                service.upload_element(
                    session,
                    actor=supplier,
                    element_id=element.id,
                    stream=stream,
                    filename=f"{element.code}.pdf",
                    upload_dir=upload_dir,
                    max_bytes=max_bytes,
                )
        service.submit(session, actor=supplier, qualification_id=qualification.id)
        if goal == "approved":
            for element in service.elements_of(session, qualification.id):
                service.review_element(
                    session, actor=buyer, element_id=element.id, accept=True, reason=None
                )
            service.decide(
                session,
                actor=buyer,
                qualification_id=qualification.id,
                decision="approved",
                valid_until=today_in_india() + timedelta(days=APPROVAL_DAYS),
            )
        created += 1
    session.flush()
    progress(f"qualifications: {created} new")
    return created


def _template(session: Session, buyer, data: dict) -> QualificationTemplate:
    template = session.exec(
        select(QualificationTemplate).where(
            QualificationTemplate.anchor_id == buyer.organisation_id,
            QualificationTemplate.name == data["name"],
        )
    ).first()
    return template or service.create_template(session, actor=buyer, data=data)


def demo_loader(session: Session, progress: Callable[[str], None]) -> int:
    """``seeding.demo.extra_loaders`` entry: the upload folder and cap from the app."""
    from flask import current_app

    return load_demo_qualifications(
        session,
        progress,
        upload_dir=current_app.config["UPLOAD_DIR"],
        max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
    )
