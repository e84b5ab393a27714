"""Evidence documents behind a certificate: PDF or image uploads, and their download.

A file is accepted by what it is, not by what it is called: its first bytes must be the
signature of a PDF, PNG or JPEG file, so a web page renamed ``certificate.pdf`` is refused.
Files are stored under the configured upload folder (outside any static folder) with a
random name; the client's name is kept only as a label for the download.
"""

import logging
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, select

from suppliermatch.access import Actor
from suppliermatch.certification.models import CertificateEvidence
from suppliermatch.certification.permissions import Purpose, certificate_for, get_row
from suppliermatch.certification.service import CertState, audit
from suppliermatch.errors import Conflict, NotFound
from suppliermatch.stored_files import (
    FileFormat,
    FileTooLarge,
    StoredFile,
    megabytes,
    record_stored,
    store_checked,
)
from suppliermatch.stored_files import display_name as file_label
from suppliermatch.translatable import N_

log = logging.getLogger(__name__)

EVIDENCE_SUBDIR = "certificates"
EvidenceFormat = FileFormat
EvidenceTooLarge = FileTooLarge

# File signatures ("magic numbers") from the format specifications: PDF (ISO 32000-1,
# 7.5.2: the file begins with "%PDF-"), PNG (ISO/IEC 15948, 5.2: the 8-byte signature) and
# JPEG (ISO/IEC 10918-1: the SOI marker FF D8 followed by another marker's FF).
ACCEPTED_FORMATS = (
    EvidenceFormat("PDF", b"%PDF-", "application/pdf", "pdf"),
    EvidenceFormat("PNG", b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    EvidenceFormat("JPEG", b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def detect_format(head: bytes) -> EvidenceFormat | None:
    return next((f for f in ACCEPTED_FORMATS if head.startswith(f.signature)), None)


def evidence_dir(upload_dir: str | Path) -> Path:
    return Path(upload_dir) / EVIDENCE_SUBDIR


def list_evidence(session: Session, actor: Actor, certificate_id: int) -> list[CertificateEvidence]:
    certificate, _ = certificate_for(session, actor, certificate_id, Purpose.READ)
    return evidence_for(session, certificate.id)


def evidence_for(session: Session, certificate_id: int) -> list[CertificateEvidence]:
    statement = (
        select(CertificateEvidence)
        .where(CertificateEvidence.certificate_id == certificate_id)
        .order_by(CertificateEvidence.created_at, CertificateEvidence.id)
    )
    return list(session.exec(statement))


def add_evidence(
    session: Session,
    actor: Actor,
    certificate_id: int,
    *,
    stream: BinaryIO,
    filename: str | None,
    upload_dir: str | Path,
    max_bytes: int,
) -> CertificateEvidence:
    """Check, store and record one uploaded file; raise before storing anything if it is bad."""
    certificate, _ = certificate_for(session, actor, certificate_id, Purpose.MANAGE)
    if certificate.state == CertState.WITHDRAWN:
        raise Conflict("This record is withdrawn; evidence can no longer be added.")
    stored = store_document(
        stream,
        evidence_dir(upload_dir),
        max_bytes=max_bytes,
        refusal="Upload the certificate as a PDF, PNG or JPEG file; this file is none of these.",
        too_large=N_(
            "The file is larger than the %(limit)s limit for evidence.", limit=megabytes(max_bytes)
        ),
    )
    evidence = CertificateEvidence(
        certificate_id=certificate.id,
        original_filename=display_name(filename, stored.file_format),
        stored_name=stored.stored_name,
        content_type=stored.file_format.content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.user_id,
    )
    record_stored(session, evidence, stored)
    audit(
        session,
        certificate.id,
        "evidence_added",
        actor_user_id=actor.user_id,
        note=evidence.original_filename,
        details={"evidence_id": evidence.id, "sha256": stored.sha256, "bytes": stored.size},
    )
    return evidence


def store_document(
    stream: BinaryIO, folder: Path, *, max_bytes: int, refusal: str, too_large: str
) -> StoredFile:
    """An uploaded document (PDF, PNG or JPEG by its first bytes) kept in ``folder``:
    certificate evidence and qualification elements both come through here."""
    return store_checked(
        stream,
        folder,
        max_bytes=max_bytes,
        identify=lambda head, _tail: detect_format(head),
        refusal=refusal,
        too_large=too_large,
    )


def open_evidence(
    session: Session,
    actor: Actor,
    certificate_id: int,
    evidence_id: int,
    *,
    upload_dir: str | Path,
) -> tuple[CertificateEvidence, Path]:
    """The evidence row and its file, for someone allowed to download it."""
    certificate, _ = certificate_for(session, actor, certificate_id, Purpose.READ)
    evidence = get_row(session, CertificateEvidence, evidence_id)
    if evidence is None or evidence.certificate_id != certificate.id:
        raise NotFound("No such evidence document.")
    path = evidence_dir(upload_dir) / evidence.stored_name
    if not path.is_file():
        log.error("evidence %s: file %s is missing", evidence.id, evidence.stored_name)
        raise NotFound("This evidence document's file is missing; please upload it again.")
    return evidence, path


def display_name(filename: str | None, file_format: EvidenceFormat) -> str:
    """The client's file name as a label only (``stored_files.display_name``)."""
    return file_label(filename, file_format, "evidence")
