"""Drawings of what a requirement asks for: PDF, DXF or STEP files the anchor uploads.

Who sees them: the anchor's own users (who add and remove them while the requirement can
be edited), the cluster's coordinator and admins, and the suppliers invited to quote that
have not declined. A supplier that sees a cluster-wide requirement without an invitation
sees that drawings exist, not the files: drawings are a buyer's intellectual property.

A file is accepted by its content (``stored_files``): its signature at the start and its
closing marker at the end, as each format's standard lays them down.
"""

import logging
import re
from pathlib import Path
from typing import BinaryIO

from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.audit.service import record_transition
from suppliermatch.errors import Conflict, NotFound
from suppliermatch.requirements import notify
from suppliermatch.requirements.invitations import DECLINED
from suppliermatch.requirements.lifecycle import EDITABLE_STATES, Status
from suppliermatch.requirements.models import Invitation, Requirement, RequirementDrawing
from suppliermatch.requirements.visibility import can_oversee, get_managed, get_visible
from suppliermatch.stored_files import (
    FileFormat,
    display_name,
    megabytes,
    record_stored,
    store_checked,
)
from suppliermatch.translatable import N_, marked

log = logging.getLogger(__name__)

DRAWINGS_SUBDIR = "drawings"
ENTITY = "requirement"
MAX_DRAWINGS = 20

# The formats and how each is recognised, from its standard:
# - PDF (ISO 32000-1, 7.5.2 and 7.5.5): begins "%PDF-", ends with the "%%EOF" marker.
# - DXF (Autodesk DXF Reference, "ASCII DXF Files" and "Binary DXF Files"): an ASCII file's
#   group pairs begin "0 / SECTION" (after optional "999" comments) and end "0 / EOF"; a
#   binary file begins with the 22-byte sentinel "AutoCAD Binary DXF\r\n\x1a\0".
# - STEP (ISO 10303-21, clauses 5 and 9): begins "ISO-10303-21;", ends "END-ISO-10303-21;".
PDF = FileFormat("PDF", b"%PDF-", "application/pdf", "pdf")
DXF = FileFormat("DXF", b"0", "image/vnd.dxf", "dxf")
DXF_BINARY = FileFormat("DXF", b"AutoCAD Binary DXF\r\n\x1a\x00", "image/vnd.dxf", "dxf")
STEP = FileFormat("STEP", b"ISO-10303-21;", "model/step", "step")
REFUSAL = (
    "Upload the drawing as a PDF, DXF or STEP file; this file is none of these "
    "(or it is cut short: its end marker is missing)."
)
_DXF_START = re.compile(rb"^\s*(?:999\r?\n[^\n]*\r?\n\s*)*0\r?\nSECTION\r?\n")
_DXF_END = re.compile(rb"\n\s*0\r?\nEOF\s*$")
_STEP_END = re.compile(rb"END-ISO-10303-21;\s*$")


def identify(head: bytes, tail: bytes) -> FileFormat | None:
    """The drawing format of a file from its first and last bytes, or None."""
    if head.startswith(PDF.signature) and b"%%EOF" in tail[-1024:]:
        return PDF
    if head.startswith(DXF_BINARY.signature):
        return DXF_BINARY
    if _DXF_START.match(head) and _DXF_END.search(tail):
        return DXF
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(STEP.signature) and _STEP_END.search(tail):
        return STEP
    return None


def drawings_dir(upload_dir: str | Path) -> Path:
    return Path(upload_dir) / DRAWINGS_SUBDIR


def may_open(session: Session, actor: Actor, requirement: Requirement) -> bool:
    """The anchor, its coordinator and admins; a supplier invited and not declined."""
    if can_oversee(actor, requirement):
        return True
    if actor.kind != ActorKind.MSME or actor.supplier_id is None:
        return False
    invitation = session.exec(
        select(Invitation.status).where(
            Invitation.requirement_id == requirement.id,
            Invitation.supplier_id == actor.supplier_id,
        )
    ).first()
    return invitation is not None and invitation != DECLINED


def drawings_for(session: Session, requirement_id: int) -> list[RequirementDrawing]:
    return list(
        session.exec(
            select(RequirementDrawing)
            .where(RequirementDrawing.requirement_id == requirement_id)
            .order_by(RequirementDrawing.created_at, RequirementDrawing.id)
        )
    )


def list_drawings(session: Session, actor: Actor, requirement_id: int) -> list[RequirementDrawing]:
    """The drawings the actor may open; 404 if the requirement is not theirs to see, and
    none for a supplier not invited."""
    requirement = get_visible(session, actor, requirement_id)
    return drawings_for(session, requirement.id) if may_open(session, actor, requirement) else []


def _editable(session: Session, actor: Actor, requirement_id: int) -> Requirement:
    requirement = get_managed(session, actor, requirement_id)
    if requirement.status not in EDITABLE_STATES:
        raise Conflict(
            N_(
                "A %(status)s requirement's drawings can no longer change.",
                status=marked(requirement.status),
            )
        )
    return requirement


def add_drawing(
    session: Session,
    actor: Actor,
    requirement_id: int,
    *,
    stream: BinaryIO,
    filename: str | None,
    upload_dir: str | Path,
    max_bytes: int,
) -> RequirementDrawing:
    """Check, store and record one drawing; nothing is stored if it is refused. On a
    published requirement it is an amendment the invited suppliers are told of."""
    requirement = _editable(session, actor, requirement_id)
    if len(drawings_for(session, requirement.id)) >= MAX_DRAWINGS:
        raise Conflict(
            N_("A requirement has at most %(most)s drawings.", most=MAX_DRAWINGS), field="file"
        )
    stored = store_checked(
        stream,
        drawings_dir(upload_dir),
        max_bytes=max_bytes,
        identify=identify,
        refusal=REFUSAL,
        too_large=f"The file is larger than the {megabytes(max_bytes)} limit for drawings.",
    )
    drawing = RequirementDrawing(
        requirement_id=requirement.id,
        original_filename=display_name(filename, stored.file_format, "drawing"),
        stored_name=stored.stored_name,
        content_type=stored.file_format.content_type,
        size_bytes=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.user_id,
    )
    record_stored(session, drawing, stored)
    _record(session, actor, requirement, "drawing_added", drawing)
    return drawing


def remove_drawing(
    session: Session, actor: Actor, requirement_id: int, drawing_id: int, *, upload_dir
) -> Path:
    """Take a drawing off the requirement. Returns its file, which the caller deletes once
    the removal is committed (a removal rolled back keeps its file)."""
    requirement = _editable(session, actor, requirement_id)
    drawing = _drawing_of(session, requirement, drawing_id)
    path = drawings_dir(upload_dir) / drawing.stored_name
    _record(session, actor, requirement, "drawing_removed", drawing)
    session.delete(drawing)
    session.flush()
    return path


def open_drawing(
    session: Session, actor: Actor, requirement_id: int, drawing_id: int, *, upload_dir
) -> tuple[RequirementDrawing, Path]:
    """The drawing and its file, for someone allowed to open it (404 for anyone else)."""
    requirement = get_visible(session, actor, requirement_id)
    if not may_open(session, actor, requirement):
        raise NotFound("No such drawing.")
    drawing = _drawing_of(session, requirement, drawing_id)
    path = drawings_dir(upload_dir) / drawing.stored_name
    if not path.is_file():
        log.error("drawing %s: file %s is missing", drawing.id, drawing.stored_name)
        raise NotFound("This drawing's file is missing; the buyer needs to upload it again.")
    return drawing, path


def _drawing_of(session: Session, requirement: Requirement, drawing_id: int) -> RequirementDrawing:
    drawing = session.get(RequirementDrawing, drawing_id)
    if drawing is None or drawing.requirement_id != requirement.id:
        raise NotFound("No such drawing.")
    return drawing


def _record(session, actor, requirement, action: str, drawing: RequirementDrawing) -> None:
    status = Status(requirement.status)
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type=ENTITY,
        entity_id=requirement.id,
        action=action,
        from_state=status,
        to_state=status,
        note=drawing.original_filename,
        details={"sha256": drawing.sha256, "bytes": drawing.size_bytes},
    )
    if status == Status.PUBLISHED:
        notify.amended(session, requirement, ["drawings"])
