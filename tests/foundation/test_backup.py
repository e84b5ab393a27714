"""flask db backup / restore: a round trip brings back every row and every document."""

from pathlib import Path

import sqlalchemy as sa

from suppliermatch import create_app
from suppliermatch.accounts.models import Cluster, Organisation
from suppliermatch.extensions import db
from suppliermatch.tables import metadata


def _app_for(url: str, upload_dir: Path):
    return create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x", "UPLOAD_DIR": str(upload_dir)}
    )


def test_backup_then_restore_into_fresh_database_keeps_rows_and_documents(new_database, tmp_path):
    source_url, target_url = new_database(), new_database()
    source_uploads, target_uploads = tmp_path / "up-source", tmp_path / "up-target"
    (source_uploads / "ab").mkdir(parents=True)
    evidence = b"%PDF-1.4\n% ISO 9001 certificate of Shree Ganesh Engineering Works\n%%EOF\n"
    (source_uploads / "ab" / "f3a9.pdf").write_bytes(evidence)

    source = _app_for(source_url, source_uploads)
    with source.app_context():
        metadata.create_all(db.engine)
        cluster = Cluster(slug="ganjam", name="Ganjam REPM cluster", state="Odisha")
        db.session.add(cluster)
        db.session.flush()
        db.session.add_all(
            Organisation(kind="msme", name=f"Supplier {n}", cluster_id=cluster.id) for n in range(7)
        )
        db.session.commit()

    result = source.test_cli_runner().invoke(
        args=["db", "backup", "--out", str(tmp_path / "backups")]
    )
    assert result.exit_code == 0, result.output
    archive = Path(result.output.strip().splitlines()[-1].removeprefix("Backup written: "))
    assert archive.exists()

    target = _app_for(target_url, target_uploads)
    result = target.test_cli_runner().invoke(args=["db", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restored and verified" in result.output

    engine = sa.create_engine(target_url)
    with engine.connect() as connection:
        names = connection.execute(sa.select(Organisation.name)).scalars().all()
    engine.dispose()
    assert sorted(names) == sorted(f"Supplier {n}" for n in range(7))
    assert (target_uploads / "ab" / "f3a9.pdf").read_bytes() == evidence
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()
