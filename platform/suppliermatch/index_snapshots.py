"""On-disk snapshots of a process's in-memory indexes (matching, search), so that a restart
reads the suppliers changed since the snapshot instead of every supplier.

A snapshot is written after an index is built from the database and holds the index with
the change-feed look it was built under (``suppliermatch.changes.Look``). At the next start the
index is loaded and caught up: the look's window is read again, exactly as a running
process does between two rankings, so whatever changed since the snapshot is re-read.

A snapshot is served only when it is provably the same thing a build would make:

* written by the same code (a digest of the package's Python source, so a deploy of new
  code rebuilds) for the same database (its URL, password left out) and the same
  reference data (taxonomy version, certificate codes: the caller's ``stamp``);
* intact and written by this installation: an HMAC-SHA256 over the header and the body
  with the app's secret key, so a truncated, corrupted or planted file is refused before
  anything in it is unpickled (pickle runs code; only a file this app signed is read);
* consistent after the catch-up: the caller compares the number of suppliers in the index
  with the database's count (a database restored from an older backup fails this).

Anything else (no file, another version, a bad signature) is logged and the index is
built from the database as before. Files are replaced atomically (write, fsync, rename),
so a crash while writing leaves the previous snapshot or none, never half of one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import mmap
import os
import pickle
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlmodel import Session

log = logging.getLogger(__name__)

# Bumped when the file layout changes (the code digest covers what is inside).
FORMAT = 1
# A snapshot caught up by re-reading more suppliers than this is written again, so that the
# next start has less to catch up.
REFRESH_AFTER_CHANGES = 10_000
_MAGIC = b"SUPPLIERMATCH-INDEX-SNAPSHOT\n"
_LENGTH = struct.Struct(">Q")
_MAC_BYTES = hashlib.sha256().digest_size
_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of every Python source file of the package: what shapes an index."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def database_identity(engine: sa.Engine) -> str:
    return hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()


@dataclass(frozen=True)
class SnapshotStore:
    """Where one database's snapshots live, and the key that signs them."""

    folder: Path
    secret: bytes
    database: str

    def path(self, kind: str) -> Path:
        return self.folder / f"{kind}-{self.database[:16]}.snapshot"

    def header(self, kind: str, stamp: dict) -> dict:
        return {
            "format": FORMAT,
            "kind": kind,
            "code": code_digest(),
            "database": self.database,
            **stamp,
        }

    def save(self, kind: str, stamp: dict, payload: object) -> int:
        """Write ``payload`` under ``stamp``; returns the file's size in bytes."""
        began = time.perf_counter()
        header = json.dumps(self.header(kind, stamp), sort_keys=True).encode()
        body = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        mac = hmac.new(self.secret, header, hashlib.sha256)
        mac.update(body)
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.path(kind)
        partial = final.with_name(f"{final.name}.{os.getpid()}.partial")
        with partial.open("wb") as out:
            out.write(_MAGIC + _LENGTH.pack(len(header)) + header + mac.digest())
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        partial.chmod(0o600)
        os.replace(partial, final)
        size = final.stat().st_size
        log.info(
            "%s index snapshot written: %.1f MB in %.1f s (%s)",
            kind,
            size / 1e6,
            time.perf_counter() - began,
            final,
        )
        return size

    def load(self, kind: str, stamp: dict) -> object | None:
        """The payload saved under this very ``stamp`` by this code, or None (logged why)."""
        path = self.path(kind)
        if not path.exists():
            log.info("no %s index snapshot at %s: building from the database", kind, path)
            return None
        began = time.perf_counter()
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            refusal, payload = self._read(memoryview(data), self.header(kind, stamp))
        if refusal:
            log.warning(
                "%s index snapshot %s refused (%s): building from the database", kind, path, refusal
            )
            return None
        log.info("%s index snapshot read in %.1f s", kind, time.perf_counter() - began)
        return payload

    def looks_current(self, kind: str, stamp: dict) -> bool:
        """Whether a snapshot is there with the right header (its signature is checked when it
        is loaded): cheap, for deciding whether a start will be quick."""
        try:
            with self.path(kind).open("rb") as file:
                head = file.read(len(_MAGIC) + _LENGTH.size)
                if len(head) < len(_MAGIC) + _LENGTH.size or not head.startswith(_MAGIC):
                    return False
                (length,) = _LENGTH.unpack(head[len(_MAGIC) :])
                return json.loads(file.read(length)) == self.header(kind, stamp)
        except (OSError, ValueError):
            return False

    def _read(self, data: memoryview, expected: dict) -> tuple[str | None, object | None]:
        prefix = len(_MAGIC) + _LENGTH.size
        if len(data) < prefix or bytes(data[: len(_MAGIC)]) != _MAGIC:
            return "not a snapshot file", None
        (header_length,) = _LENGTH.unpack(data[len(_MAGIC) : prefix])
        body_starts = prefix + header_length + _MAC_BYTES
        if len(data) < body_starts:
            return "truncated", None
        header_bytes = bytes(data[prefix : prefix + header_length])
        try:
            header = json.loads(header_bytes)
        except ValueError:
            return "unreadable header", None
        if not isinstance(header, dict):
            return "unreadable header", None
        differs = sorted(
            k for k in expected.keys() | header.keys() if header.get(k) != expected.get(k)
        )
        if differs:
            return f"stale: {', '.join(differs)} differ", None
        mac = hmac.new(self.secret, header_bytes, hashlib.sha256)
        mac.update(data[body_starts:])
        if not hmac.compare_digest(mac.digest(), bytes(data[prefix + header_length : body_starts])):
            return "signature does not match: corrupt, truncated or not written here", None
        return None, pickle.loads(data[body_starts:])  # noqa: S301 (signed by this app, above)


def restore(
    store: SnapshotStore,
    kind: str,
    stamp: dict,
    session: Session,
    *,
    watch,
    reload: Callable[[Session, set[int], object], None],
    count: Callable[[Session], int],
    reattach: Callable[[object], None] = lambda index: None,
) -> tuple | None:
    """(index, look, the snapshot's look) from the snapshot, caught up by one look of
    ``watch`` (``reload`` re-reads the suppliers it found changed), or None.

    None too when, caught up, the index does not hold as many suppliers as ``count`` finds
    in the database: rows went without a trace in the change feed (a restore from an older
    backup), so the snapshot is not this database's past."""
    began = time.perf_counter()
    saved = store.load(kind, stamp)
    if saved is None:
        return None
    index, saved_look = saved
    reattach(index)
    changed, look = watch.next_look(session, saved_look)
    reload(session, set(changed), index)
    in_database = count(session)
    if in_database != len(index):
        log.warning(
            "%s index snapshot refused after catching up: it holds %d suppliers, the "
            "database %d (restored from a backup?); building from the database",
            kind,
            len(index),
            in_database,
        )
        return None
    log.info(
        "%s index restored from its snapshot: %d suppliers, %d changed since re-read, in %.1f s",
        kind,
        len(index),
        len(changed),
        time.perf_counter() - began,
    )
    if len(changed) > REFRESH_AFTER_CHANGES:
        store.save(kind, stamp, (index, look))
    return index, look, saved_look


def store_for(session: Session) -> SnapshotStore | None:
    """The snapshot store for ``session``'s database, or None where snapshots are off.

    Off unless ``INDEX_SNAPSHOT_DIR`` is set (the instance folder's ``index-snapshots`` by
    default), and always for a session bound to one connection (the tests' rolled-back
    transactions: a snapshot of rows that were never committed must not outlive them).
    """
    bind = session.get_bind()
    if not has_app_context() or not isinstance(bind, sa.Engine):
        return None
    folder = current_app.config.get("INDEX_SNAPSHOT_DIR")
    if not folder:
        return None
    return SnapshotStore(
        Path(folder), current_app.config["SECRET_KEY"].encode(), database_identity(bind)
    )
