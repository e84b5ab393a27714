"""Backups: the database plus the uploaded evidence files, in one archive with a manifest.

SQLite is copied with its online backup API (consistent while the app keeps serving);
PostgreSQL with pg_dump's custom format, restored with pg_restore. The manifest keeps the
row count of every table and the SHA-256 of every uploaded file, so a restore can prove
that it brought back what was saved.
"""

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from suppliermatch.tables import metadata

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_DUMP_FILE = "database.pgdump"
UPLOADS = "uploads"


@dataclass
class Snapshot:
    row_counts: dict[str, int]
    documents: dict[str, str]  # relative path -> sha256


def take_snapshot(engine: sa.Engine, upload_dir: Path) -> Snapshot:
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in metadata.sorted_tables
        }
    return Snapshot(row_counts=counts, documents=document_checksums(upload_dir))


def document_checksums(upload_dir: Path) -> dict[str, str]:
    if not upload_dir.exists():
        return {}
    return {
        str(path.relative_to(upload_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(upload_dir.rglob("*"))
        if path.is_file()
    }


def libpq_url(url: sa.URL) -> str:
    """pg_dump speaks libpq URLs: drop SQLAlchemy's "+psycopg" driver suffix."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_backup(
    database_url: str, upload_dir: Path, out_dir: Path, progress: Callable[[str], None] = print
) -> Path:
    url = make_url(database_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = out_dir / f"suppliermatch-{stamp}.tar.gz"
    engine = sa.create_engine(url)
    try:
        with tempfile.TemporaryDirectory() as work:
            work_dir = Path(work)
            progress("copying the database")
            if url.get_backend_name() == "sqlite":
                _sqlite_copy(url.database, str(work_dir / SQLITE_FILE))
            else:
                # pg_dump from PATH, arguments as a list (no shell): nothing user-controlled.
                subprocess.run(  # noqa: S603
                    [  # noqa: S607
                        "pg_dump",
                        "--format=custom",
                        "--no-owner",
                        f"--file={work_dir / PG_DUMP_FILE}",
                        libpq_url(url),
                    ],
                    check=True,
                )
            progress("recording row counts and document checksums")
            snapshot = take_snapshot(engine, upload_dir)
            manifest = {
                "created_at": stamp,
                "backend": url.get_backend_name(),
                "row_counts": snapshot.row_counts,
                "documents": snapshot.documents,
            }
            (work_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
            progress(f"writing {archive.name}")
            with tarfile.open(archive, "w:gz") as tar:
                for item in sorted(work_dir.iterdir()):
                    tar.add(item, arcname=item.name)
                if upload_dir.exists():
                    tar.add(upload_dir, arcname=UPLOADS)
    finally:
        engine.dispose()
    return archive


def restore_backup(
    archive: Path, database_url: str, upload_dir: Path, progress: Callable[[str], None] = print
) -> Snapshot:
    """Restore into ``database_url`` (replacing its contents) and verify against the manifest."""
    url = make_url(database_url)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work_dir, filter="data")
        manifest = json.loads((work_dir / MANIFEST).read_text())
        if manifest["backend"] != url.get_backend_name():
            raise ValueError(
                f"The backup is of a {manifest['backend']} database; "
                f"the target is {url.get_backend_name()}."
            )
        progress("restoring the database")
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(str(work_dir / SQLITE_FILE), url.database)
        else:
            subprocess.run(  # noqa: S603
                [  # noqa: S607
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={libpq_url(url)}",
                    str(work_dir / PG_DUMP_FILE),
                ],
                check=True,
            )
        progress("restoring uploaded documents")
        saved_uploads = work_dir / UPLOADS
        if saved_uploads.exists():
            upload_dir.mkdir(parents=True, exist_ok=True)
            shutil.copytree(saved_uploads, upload_dir, dirs_exist_ok=True)
    engine = sa.create_engine(url)
    try:
        restored = take_snapshot(engine, upload_dir)
    finally:
        engine.dispose()
    verify(manifest, restored)
    return restored


def verify(manifest: dict, restored: Snapshot) -> None:
    if restored.row_counts != manifest["row_counts"]:
        raise ValueError("Row counts after restore differ from the backup's manifest.")
    missing = {
        name: digest
        for name, digest in manifest["documents"].items()
        if restored.documents.get(name) != digest
    }
    if missing:
        raise ValueError(f"{len(missing)} document(s) differ from the backup's manifest.")


def _sqlite_copy(source_path: str, target_path: str) -> None:
    Path(target_path).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
