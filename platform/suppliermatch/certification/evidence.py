"""Evidence documents behind a certificate: PDF or image uploads, and their download.

A file is accepted by what it is, not by what it is called: its first bytes must be the
signature of a PDF, PNG or JPEG file, so a web page renamed ``certificate.pdf`` is refused.
Files are stored under the configured upload folder (outside any static folder) with a
random name; the client's name is kept only as a label for the download.
"""

import hashlib
import logging
import os
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, select

from suppliermatch.access import Actor
from suppliermatch.certification.models import CertificateEvidence
from suppliermatch.certification.permissions import Purpose, certificate_for, get_row
from suppliermatch.certification.service import CertState, audit
from suppliermatch.errors import Conflict, DomainError, NotFound, ValidationFailed

log = logging.getLogger(__name__)

EVIDENCE_SUBDIR = "certificates"
CHUNK_BYTES = 64 * 1024
MAX_LABEL_LENGTH = 255


@dataclass(frozen=True)
class EvidenceFormat:
    name: str
    signature: bytes
    content_type: str
    extension: str


# File signatures ("magic numbers") from the format specifications: PDF (ISO 32000-1,
# 7.5.2: the file begins with "%PDF-"), PNG (ISO/IEC 15948, 5.2: the 8-byte signature) and
# JPEG (ISO/IEC 10918-1: the SOI marker FF D8 followed by another marker's FF).
ACCEPTED_FORMATS = (
    EvidenceFormat("PDF", b"%PDF-", "application/pdf", "pdf"),
    EvidenceFormat("PNG", b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    EvidenceFormat("JPEG", b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
SIGNATURE_BYTES = max(len(f.signature) for f in ACCEPTED_FORMATS)


class EvidenceTooLarge(DomainError):
    """The file is above the configured cap. Views answer 413."""

    status_code = 413


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
    folder = evidence_dir(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            size, digest, head = _copy_capped(stream, out, max_bytes)
        file_format = detect_format(head)
        if size == 0:
            raise ValidationFailed("The file is empty.", field="file")
        if file_format is None:
            raise ValidationFailed(
                "Upload the certificate as a PDF, PNG or JPEG file; this file is none of these.",
                field="file",
            )
        stored_name = f"{secrets.token_hex(16)}.{file_format.extension}"
        final_path = folder / stored_name
        os.replace(temporary, final_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    evidence = CertificateEvidence(
        certificate_id=certificate.id,
        original_filename=display_name(filename, file_format),
        stored_name=stored_name,
        content_type=file_format.content_type,
        size_bytes=size,
        sha256=digest,
        uploaded_by_id=actor.user_id,
    )
    try:
        session.add(evidence)
        session.flush()
    except BaseException:
        final_path.unlink(missing_ok=True)
        raise
    audit(
        session,
        certificate.id,
        "evidence_added",
        actor_user_id=actor.user_id,
        note=evidence.original_filename,
        details={"evidence_id": evidence.id, "sha256": digest, "bytes": size},
    )
    return evidence


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
    """The client's file name as a label only: no folders, no control characters, and the
    extension of what the file really is."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[: MAX_LABEL_LENGTH - len(file_format.extension) - 1] or "evidence"
    return f"{stem}.{file_format.extension}"


def _copy_capped(stream: BinaryIO, out: BinaryIO, max_bytes: int) -> tuple[int, str, bytes]:
    """Copy at most ``max_bytes``; return (size, sha256 hex, first bytes)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    while chunk := stream.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise EvidenceTooLarge(
                f"The file is larger than the {_megabytes(max_bytes)} limit for evidence.",
                field="file",
            )
        if len(head) < SIGNATURE_BYTES:
            head = (head + chunk)[:SIGNATURE_BYTES]
        digest.update(chunk)
        out.write(chunk)
    return size, digest.hexdigest(), head


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
