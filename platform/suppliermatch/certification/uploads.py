"""The web side of evidence files, shared by the pages and the API: the size cap from the
configuration answered as a clean 413, and downloads that a browser saves, never renders."""

from flask import current_app
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from suppliermatch.access import current_actor
from suppliermatch.certification import evidence as evidence_service
from suppliermatch.certification.models import CertificateEvidence
from suppliermatch.errors import ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.file_downloads import send_attachment


def document_response(description: str) -> dict:
    """The OpenAPI answer of a document download (PDF, PNG or JPEG)."""
    return {
        "description": description,
        "content": {
            content_type: {"schema": {"type": "string", "format": "binary"}}
            for content_type in ("application/pdf", "image/png", "image/jpeg")
        },
    }


def evidence_cap_bytes() -> int:
    return int(current_app.config["EVIDENCE_MAX_BYTES"])


def store_upload(certificate_id: int, upload: FileStorage | None) -> CertificateEvidence:
    """Store the uploaded file as evidence; the caller commits."""
    if upload is None or not upload.filename:
        raise ValidationFailed("Choose a file to upload.", field="file")
    try:
        return evidence_service.add_evidence(
            db.session,
            current_actor(),
            certificate_id,
            stream=upload.stream,
            filename=upload.filename,
            upload_dir=current_app.config["UPLOAD_DIR"],
            max_bytes=evidence_cap_bytes(),
        )
    except evidence_service.EvidenceTooLarge as error:
        raise RequestEntityTooLarge(error.message) from None


def download(certificate_id: int, evidence_id: int):
    evidence, path = evidence_service.open_evidence(
        db.session,
        current_actor(),
        certificate_id,
        evidence_id,
        upload_dir=current_app.config["UPLOAD_DIR"],
    )
    return send_attachment(
        path, mimetype=evidence.content_type, download_name=evidence.original_filename
    )
