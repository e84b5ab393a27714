"""Evidence uploads: real PDFs and PNGs accepted, disguised or oversized files refused,
stored under generated names, and downloadable only by those allowed to see them."""

import hashlib
import io
from pathlib import Path

import pytest
from sqlmodel import func, select

from suppliermatch.certification.evidence import detect_format
from suppliermatch.certification.models import CertificateEvidence
from tests.certification.builders import make_quote, make_record, make_requirement
from tests.certification.documents import HTML_PAGE, certificate_pdf, png

PDF = certificate_pdf(["Certificate of Registration", "ISO 9001:2015", "No. QMS-4411"])


def _upload(client, certificate_id, data: bytes, filename: str):
    return client.post(
        f"/api/certificates/{certificate_id}/evidence",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _evidence_count(session) -> int:
    return session.exec(select(func.count(CertificateEvidence.id))).one()


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "certificates"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def certificate(session, cast):
    record = make_record(session, cast["supplier_a"])
    session.commit()
    return record


def test_a_real_pdf_is_stored_under_a_generated_name_with_its_checksum(
    app, make_client, cast, certificate
):
    client = make_client(cast["msme_a"])
    response = _upload(client, certificate.id, PDF, "../../etc/QMS certificate.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["content_type"] == "application/pdf"
    assert body["size_bytes"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["original_filename"] == "QMS certificate.pdf"

    stored = [p for p in _stored_files(app) if p.read_bytes() == PDF]
    assert len(stored) == 1
    assert "QMS" not in stored[0].name and "etc" not in stored[0].name
    assert stored[0].resolve().is_relative_to(Path(app.config["UPLOAD_DIR"]).resolve())
    assert "static" not in stored[0].parts


def test_the_owner_downloads_the_same_bytes_as_an_attachment(make_client, cast, certificate):
    client = make_client(cast["msme_a"])
    evidence = _upload(client, certificate.id, PDF, "iso.pdf").get_json()
    with client.get(f"/api/certificates/{certificate.id}/evidence/{evidence['id']}") as response:
        assert response.status_code == 200
        data = response.data
    assert data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "iso.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_real_png_is_accepted_as_an_image(make_client, cast, certificate):
    response = _upload(make_client(cast["msme_a"]), certificate.id, png(), "scan.PNG")
    assert response.status_code == 201
    assert response.get_json()["content_type"] == "image/png"
    assert response.get_json()["original_filename"] == "scan.png"


def test_an_html_page_renamed_to_pdf_is_refused_and_nothing_is_kept(
    app, session, make_client, cast, certificate
):
    before_files, before_rows = _stored_files(app), _evidence_count(session)
    response = _upload(make_client(cast["msme_a"]), certificate.id, HTML_PAGE, "certificate.pdf")
    assert response.status_code == 422
    body = response.get_json()
    assert "PDF, PNG or JPEG" in body["errors"]["file"][0]
    assert _stored_files(app) == before_files
    assert _evidence_count(session) == before_rows


def test_an_empty_file_is_refused(make_client, cast, certificate):
    response = _upload(make_client(cast["msme_a"]), certificate.id, b"", "empty.pdf")
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"] == ["The file is empty."]


def test_a_file_above_the_evidence_cap_gets_a_clean_413_and_is_not_kept(
    app, session, make_client, cast, certificate, monkeypatch
):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", len(PDF) - 1)
    before_files = _stored_files(app)
    client = make_client(cast["msme_a"])
    response = _upload(client, certificate.id, PDF, "big.pdf")
    assert response.status_code == 413
    body = response.get_json()
    assert body["code"] == 413 and "limit" in body["message"]
    assert _stored_files(app) == before_files

    page = client.post(
        f"/certificates/{certificate.id}/evidence",
        data={"file": (io.BytesIO(PDF), "big.pdf")},
        content_type="multipart/form-data",
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 413
    text = page.get_data(as_text=True)
    assert "limit for evidence" in text and "Traceback" not in text


def test_a_request_above_the_whole_request_cap_is_a_clean_413(
    app, make_client, cast, certificate, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 512)
    response = _upload(make_client(cast["msme_a"]), certificate.id, PDF * 3, "huge.pdf")
    assert response.status_code == 413
    assert response.get_json()["code"] == 413


def test_uploading_from_the_page_shows_the_document(make_client, cast, certificate):
    client = make_client(cast["msme_a"])
    response = client.post(
        f"/certificates/{certificate.id}/evidence",
        data={"file": (io.BytesIO(png()), "scan.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "scan.png" in page and "Evidence uploaded." in page


def test_a_disguised_file_uploaded_from_the_page_shows_the_reason(make_client, cast, certificate):
    response = make_client(cast["msme_a"]).post(
        f"/certificates/{certificate.id}/evidence",
        data={"file": (io.BytesIO(HTML_PAGE), "scan.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "PDF, PNG or JPEG" in response.get_data(as_text=True)


def test_jpeg_is_recognised_by_its_start_of_image_marker():
    assert detect_format(b"\xff\xd8\xff\xe0\x00\x10JFIF").content_type == "image/jpeg"
    assert detect_format(b"GIF89a") is None


@pytest.fixture
def uploaded(session, make_client, cast, certificate):
    evidence = _upload(make_client(cast["msme_a"]), certificate.id, PDF, "iso.pdf").get_json()
    # Anchor X has a quote from supplier A; anchor Y has none.
    requirement = make_requirement(session, cast["anchor_x"])
    make_quote(session, requirement, cast["supplier_a"])
    session.commit()
    return f"/api/certificates/{certificate.id}/evidence/{evidence['id']}"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("msme_a", 200),
        ("coordinator_1", 200),
        ("anchor_x", 200),
        ("admin", 200),
        ("msme_b", 404),
        ("coordinator_2", 404),
        ("anchor_y", 404),
    ],
)
def test_evidence_download_is_for_owner_cluster_coordinator_and_quoted_anchors(
    make_client, cast, uploaded, who, status
):
    with make_client(cast[who]).get(uploaded) as response:
        assert response.status_code == status
        assert (response.data == PDF) == (status == 200)


def test_evidence_download_needs_signing_in(client, uploaded):
    assert client.get(uploaded).status_code == 401
    page = client.get(uploaded.removeprefix("/api"))
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_an_anchor_cannot_reach_a_suppliers_plans_even_after_a_quote(
    session, make_client, cast, uploaded
):
    plan = make_record(session, cast["supplier_a"], code="IATF16949", state="applied")
    session.commit()
    response = make_client(cast["anchor_x"]).get(f"/api/certificates/{plan.id}")
    assert response.status_code == 404


def test_evidence_of_one_certificate_is_not_reachable_through_another(
    session, make_client, cast, uploaded
):
    other = make_record(session, cast["supplier_a"], code="ISO14001")
    session.commit()
    evidence_id = uploaded.rsplit("/", 1)[1]
    response = make_client(cast["msme_a"]).get(
        f"/api/certificates/{other.id}/evidence/{evidence_id}"
    )
    assert response.status_code == 404


def test_only_the_owner_and_coordinator_may_upload(make_client, cast, certificate):
    assert _upload(make_client(cast["msme_b"]), certificate.id, PDF, "x.pdf").status_code == 404
    assert _upload(make_client(cast["anchor_x"]), certificate.id, PDF, "x.pdf").status_code == 403
    coordinator = make_client(cast["coordinator_1"])
    assert _upload(coordinator, certificate.id, PDF, "x.pdf").status_code == 201
