"""Helpers shared by the requirements tests."""

from datetime import timedelta

from suppliermatch.models_base import utcnow
from suppliermatch.requirements.service import line_items

# Seeded where a competing supplier must never find them (issue 8's sentinel check).
SENTINEL_PRICE = 987654.32
SENTINEL_BUDGET = 86420975


def quote_body(session, requirement, price: float, **overrides) -> dict:
    body = {
        "lead_time_days": 21,
        "valid_until": (utcnow() + timedelta(days=60)).date().isoformat(),
        "notes": "Isostatic graphite, ash < 50 ppm",
        "lines": [
            {"line_item_id": li.id, "unit_price_inr": price}
            for li in line_items(session, requirement.id)
        ],
    }
    body.update(overrides)
    return body


def pass_deadline(session, requirement) -> None:
    """Move the quote deadline into the past, as if the clock had run on."""
    session.refresh(requirement)
    requirement.quote_deadline = utcnow() - timedelta(minutes=1)
    session.commit()


def add_pdf_drawing(session, actor, requirement_id: int, text: str, filename: str):
    """A one-page PDF drawing added to the requirement through the service, as the anchor's
    upload would be (committed)."""
    import io

    from flask import current_app

    from suppliermatch.requirements import drawings
    from tests.certification.documents import certificate_pdf

    document = certificate_pdf([text])
    drawing = drawings.add_drawing(
        session,
        actor,
        requirement_id,
        stream=io.BytesIO(document),
        filename=filename,
        upload_dir=current_app.config["UPLOAD_DIR"],
        max_bytes=len(document),
    )
    session.commit()
    return drawing, document
