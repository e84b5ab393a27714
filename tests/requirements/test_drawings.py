"""Drawings on a requirement: PDF, DXF or STEP by their content, stored as files, opened
only by the anchor, its coordinator, admins and the invited suppliers."""

import io
import re
from pathlib import Path

import pytest
from flask import current_app
from sqlmodel import select

from suppliermatch.access import actor_for_user
from suppliermatch.notifications.models import Notification
from suppliermatch.requirements import drawings
from suppliermatch.requirements.invitations import decline
from suppliermatch.requirements.models import RequirementDrawing
from tests import factories
from tests.certification.documents import certificate_pdf
from tests.pages import page_text
from tests.requirements.helpers import add_pdf_drawing

DXF_TEXT = b"999\nmade by a CAD tool\n  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n"
STEP_TEXT = (
    b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('pole piece'),'2;1');\nENDSEC;\n"
    b"DATA;\n#1=CARTESIAN_POINT('',(0.,0.,0.));\nENDSEC;\nEND-ISO-10303-21;\n"
)


def _upload(client, rfq, content: bytes, name: str):
    return client.post(
        f"/requirements/{rfq.id}/drawings",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [
        (certificate_pdf(["Drawing VM-GB-300 rev C"]), "VM-GB-300.pdf", "application/pdf"),
        (DXF_TEXT, "bracket.dxf", "image/vnd.dxf"),
        (b"AutoCAD Binary DXF\r\n\x1a\x00" + b"\x00" * 40, "bracket.dxf", "image/vnd.dxf"),
        (STEP_TEXT, "pole-piece.stp", "model/step"),
    ],
)
def test_drawings_are_accepted_by_their_content_and_stored_as_files(
    session, make_client, cast, rfq, content, name, kind
):
    anchor = make_client(cast["anchor_x"])
    added = _upload(anchor, rfq, content, name)
    assert added.status_code == 302
    [drawing] = drawings.drawings_for(session, rfq.id)
    assert drawing.content_type == kind
    stored = Path(current_app.config["UPLOAD_DIR"]) / "drawings" / drawing.stored_name
    assert stored.read_bytes() == content
    page = page_text(anchor.get(f"/requirements/{rfq.id}"))
    assert "Drawings" in page and drawing.original_filename in page
    download = anchor.get(f"/requirements/{rfq.id}/drawings/{drawing.id}")
    assert download.status_code == 200 and download.get_data() == content
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    download.close()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "drawing.pdf"),
        (certificate_pdf(["cut short"])[:-40], "truncated.pdf"),  # no %%EOF
        (b"  0\nSECTION\n  2\nENTITIES\n", "unfinished.dxf"),
        (b"ISO-10303-21;\nHEADER;\n", "unfinished.step"),
        (b"PK\x03\x04 a zip renamed", "model.step"),
    ],
)
def test_other_files_are_refused_in_words_and_nothing_is_kept(
    session, make_client, cast, rfq, content, name
):
    folder = Path(current_app.config["UPLOAD_DIR"]) / "drawings"
    before = set(folder.iterdir()) if folder.exists() else set()
    refused = _upload(make_client(cast["anchor_x"]), rfq, content, name)
    assert refused.status_code == 422
    assert "Upload the drawing as a PDF, DXF or STEP file" in page_text(refused)
    assert drawings.drawings_for(session, rfq.id) == []
    assert set(folder.iterdir()) == before


def test_uninvited_and_declined_suppliers_cannot_open_a_drawing(session, make_client, cast, rfq):
    """MSME A (invited) opens it; a supplier of the cluster that sees the requirement without
    an invitation, and MSME B once it declined, get 404 and no list."""
    anchor_actor = actor_for_user(session, cast["anchor_x"])
    drawing, document = add_pdf_drawing(
        session, anchor_actor, rfq.id, "Drawing VM-AS-12", "VM-AS-12.pdf"
    )
    decline(
        session,
        actor=actor_for_user(session, cast["msme_b"]),
        requirement_id=rfq.id,
        reason="No capacity",
    )
    onlooker = factories.make_user(session, kind="msme", cluster=cast["cluster_1"])
    session.commit()
    url = f"/requirements/{rfq.id}/drawings/{drawing.id}"

    invited = make_client(cast["msme_a"])
    opened = invited.get(url)
    assert opened.status_code == 200 and opened.get_data() == document
    opened.close()
    assert "VM-AS-12.pdf" in page_text(invited.get(f"/requirements/{rfq.id}"))

    for user in (onlooker, cast["msme_b"]):
        client = make_client(user)
        page = client.get(f"/requirements/{rfq.id}")
        if page.status_code == 200:  # the cluster-wide requirement is seen, its drawing not
            assert "VM-AS-12.pdf" not in page.get_data(as_text=True)
        assert client.get(url).status_code == 404


def test_a_drawing_added_after_publishing_tells_the_invited_suppliers(
    session, make_client, cast, rfq
):
    assert _upload(make_client(cast["anchor_x"]), rfq, DXF_TEXT, "bracket.dxf").status_code == 302
    told = session.exec(
        select(Notification).where(
            Notification.user_id == cast["msme_a"].id, Notification.kind == "amended"
        )
    ).all()
    assert len(told) == 1 and "changed the drawings of" in told[0].body
    history = page_text(make_client(cast["anchor_x"]).get(f"/requirements/{rfq.id}"))
    assert "Added a drawing" in history and "drawing_added" not in history


def test_removing_a_drawing_removes_its_file(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    _upload(anchor, rfq, STEP_TEXT, "pole-piece.step")
    [drawing] = drawings.drawings_for(session, rfq.id)
    drawing_id = drawing.id
    stored = Path(current_app.config["UPLOAD_DIR"]) / "drawings" / drawing.stored_name
    page = anchor.get(f"/requirements/{rfq.id}").get_data(as_text=True)
    assert re.search(rf'action="/requirements/{rfq.id}/drawings/{drawing_id}/remove"', page)
    removed = anchor.post(f"/requirements/{rfq.id}/drawings/{drawing_id}/remove")
    assert removed.status_code == 302
    session.expire_all()
    assert session.get(RequirementDrawing, drawing_id) is None
    assert not stored.exists()
    assert "Removed a drawing" in page_text(anchor.get(f"/requirements/{rfq.id}"))
