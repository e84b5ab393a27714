"""``flask suppliers``: import a spreadsheet of suppliers, look for duplicates."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from suppliermatch.errors import DomainError
from suppliermatch.extensions import db
from suppliermatch.suppliers.duplicates import service as dedup_service
from suppliermatch.suppliers.imports.importer import (
    ImportMode,
    ImportOutcome,
    analyze_imported_tables,
    import_suppliers,
)
from suppliermatch.suppliers.imports.tabular import TableError, open_table
from suppliermatch.suppliers.profiles.service import cluster_id_for_slug

# A file on the server's disk is trusted more than an upload, but not without bound.
CLI_MAX_BYTES = 1 << 30
CLI_MAX_ROWS = 1_000_000


@click.group("suppliers", help="Bulk-import suppliers and review duplicates.")
def suppliers_cli():
    pass


@suppliers_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--good-rows-only", is_flag=True, help="Import good rows, skip bad ones.")
@click.option("--cluster", "cluster_slug", help="Cluster slug new suppliers join.")
@with_appcontext
def import_command(file: Path, good_rows_only: bool, cluster_slug: str | None):
    """Import FILE (.csv or .xlsx); all rows or none unless --good-rows-only."""
    mode = ImportMode.GOOD_ROWS_ONLY if good_rows_only else ImportMode.ALL_OR_NOTHING
    try:
        cluster_id = cluster_id_for_slug(db.session, cluster_slug) if cluster_slug else None
        # Streamed from the disk, pass by pass: memory does not grow with the file's size.
        table = open_table(file, file.name, max_bytes=CLI_MAX_BYTES, max_rows=CLI_MAX_ROWS)
        # A quick pass to count the rows, so that the bar covers the whole job; each row
        # is counted twice: once checked, once written.
        rows = table.count_rows()
        with click.progressbar(length=2 * rows, label=f"Importing {file.name}") as bar:
            record = import_suppliers(
                db.session,
                table,
                filename=file.name,
                cluster_id=cluster_id,
                mode=mode,
                only_within_cluster=False,
                progress=bar.update,
            )
    except (TableError, DomainError) as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    db.session.commit()
    if record.outcome != ImportOutcome.REJECTED:
        # After the load is committed, so that the statistics describe the rows now there.
        analyze_imported_tables(db.session)
        db.session.commit()
    click.echo(
        f"{record.outcome}: {record.rows_total} rows, {record.rows_created} new suppliers, "
        f"{record.rows_updated} updated, {record.rows_rejected} rows with problems "
        f"(report: import {record.id})."
    )
    for problem in record.problems[:20]:
        click.echo(f"  row {problem['row']} {problem['field']}: {problem['problem']}", err=True)
    if record.problems_total > 20:
        click.echo(f"  ... and {record.problems_total - 20} more", err=True)
    if record.notices:
        click.echo(
            f"{len(record.notices)} notices (a contact that could not be read, two rows for "
            "one enterprise, a column not used):"
        )
        for notice in record.notices[:20]:
            row = f"row {notice['row']} " if notice["row"] is not None else ""
            click.echo(f"  {row}{notice['field']}: {notice['problem']}")
        if len(record.notices) > 20:
            click.echo(f"  ... and {len(record.notices) - 20} more")
    if record.outcome == ImportOutcome.REJECTED:
        raise click.exceptions.Exit(1)


@suppliers_cli.command("dedup")
@click.option("--cluster", "cluster_slug", help="Only this cluster (default: all suppliers).")
@with_appcontext
def dedup_command(cluster_slug: str | None):
    """Look for suppliers registered twice and list them for coordinators to review."""
    try:
        cluster_id = cluster_id_for_slug(db.session, cluster_slug) if cluster_slug else None
    except DomainError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    with click.progressbar(length=1, label="Comparing suppliers") as bar:

        def shown(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        result = dedup_service.scan_for_duplicates(
            db.session, cluster_id=cluster_id, progress=shown
        )
    db.session.commit()
    click.echo(
        f"Checked {result.suppliers} suppliers in {result.seconds} s: {result.pairs} possible "
        f"duplicate pairs, {result.new} new for review."
    )
