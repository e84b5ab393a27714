"""Uploaded files kept on disk: a certificate's evidence, a requirement's drawings.

A file is accepted by what it is, not by what it is called: the caller's ``identify`` reads
its first and last bytes (a format's signature, its closing marker) and names its format,
so a web page renamed ``drawing.pdf`` is refused. Files are stored under the configured
upload folder (outside any static folder) with a random name; the client's name is kept
only as a label for the download. Nothing is left behind when a file is refused.
"""

import hashlib
import os
import secrets
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from suppliermatch.errors import DomainError, ValidationFailed

CHUNK_BYTES = 64 * 1024
# How much of each end of a file ``identify`` is shown.
HEAD_BYTES = 64
TAIL_BYTES = 1024
MAX_LABEL_LENGTH = 255


@dataclass(frozen=True)
class FileFormat:
    name: str
    signature: bytes
    content_type: str
    extension: str


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    path: Path
    size: int
    sha256: str
    file_format: FileFormat


class FileTooLarge(DomainError):
    """The file is above the configured cap. Views answer 413."""

    status_code = 413


def store_checked(
    stream: BinaryIO,
    folder: Path,
    *,
    max_bytes: int,
    identify: Callable[[bytes, bytes], FileFormat | None],
    refusal: str,
    too_large: str,
) -> StoredFile:
    """Copy the upload into ``folder`` under a random name if ``identify`` knows it;
    otherwise raise (``refusal`` or ``too_large``, naming the field ``file``) and keep
    nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            size, digest, head, tail = _copy_capped(stream, out, max_bytes, too_large)
        if size == 0:
            raise ValidationFailed("The file is empty.", field="file")
        file_format = identify(head, tail)
        if file_format is None:
            raise ValidationFailed(refusal, field="file")
        stored_name = f"{secrets.token_hex(16)}.{file_format.extension}"
        final_path = folder / stored_name
        os.replace(temporary, final_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(stored_name, final_path, size, digest, file_format)


def record_stored(session, row, stored: StoredFile) -> None:
    """Add the row that records a stored file; the file goes if the row cannot be written."""
    try:
        session.add(row)
        session.flush()
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise


def display_name(filename: str | None, file_format: FileFormat, fallback: str) -> str:
    """The client's file name as a label only: no folders, no control characters, and the
    extension of what the file really is."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[: MAX_LABEL_LENGTH - len(file_format.extension) - 1] or fallback
    return f"{stem}.{file_format.extension}"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _copy_capped(
    stream: BinaryIO, out: BinaryIO, max_bytes: int, too_large: str
) -> tuple[int, str, bytes, bytes]:
    """Copy at most ``max_bytes``; return (size, sha256 hex, first bytes, last bytes)."""
    digest = hashlib.sha256()
    size = 0
    head = tail = b""
    while chunk := stream.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(too_large, field="file")
        if len(head) < HEAD_BYTES:
            head = (head + chunk)[:HEAD_BYTES]
        tail = (tail + chunk)[-TAIL_BYTES:]
        digest.update(chunk)
        out.write(chunk)
    return size, digest.hexdigest(), head, tail
