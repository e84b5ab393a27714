"""``flask bench``: the matching benchmarks, run through the product.

    flask --app wsgi bench matching --data DIR --rankings-out FILE [--as-of DATE]
    flask --app wsgi bench matching-speed --suppliers N
    flask --app wsgi bench dedup --data DIR [--data DIR ...]

Progress goes to stderr; the figures are printed to stdout as JSON.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

import click
from sqlmodel import Session

from suppliermatch.dates import today_in_india
from suppliermatch.errors import DomainError
from suppliermatch.matching import benchmarks


@click.group("bench", help="Benchmarks of the matching engine and duplicate detection.")
def bench_cli():
    pass


@bench_cli.command("matching")
@click.option(
    "--data",
    "folder",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder with suppliers.csv, requirements.csv and optionally qrels.csv.",
)
@click.option(
    "--rankings-out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="CSV to write: requirement_ref,supplier_ref,rank,score (top 100 each).",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Rank as on this day (default: the earliest needed-by date in the file, so that "
    "certificates are judged on the dates the file was written for).",
)
def matching_command(folder: Path, rankings_out: Path, as_of):
    """Import DIR into a fresh temporary database, rank every requirement, score."""
    report: dict = {"data": str(folder)}
    with tempfile.TemporaryDirectory(prefix="suppliermatch-bench-") as scratch:
        engine = benchmarks.temporary_database(Path(scratch))
        try:
            with Session(engine, expire_on_commit=False) as session:
                summary, rankings = _load_and_rank(session, folder, rankings_out, as_of)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        finally:
            engine.dispose()
    report.update(summary)
    figures = benchmarks.quality(folder, rankings)
    if figures is not None:
        report.update(figures)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _load_and_rank(session: Session, folder: Path, rankings_out: Path, as_of):
    """Import, rank, write the rankings; returns (summary figures, rankings)."""
    cluster = benchmarks.bench_cluster(session)
    rows = benchmarks.supplier_row_count(folder)
    started = time.perf_counter()
    # The import counts each row twice: once checked, once written.
    with _bar(2 * rows, "Importing suppliers") as bar:
        record = benchmarks.import_supplier_file(
            session, folder, cluster_id=cluster.id, progress=bar.update
        )
    requirements = benchmarks.import_requirement_file(session, folder, cluster_id=cluster.id)
    if requirements.errors:
        for error in requirements.errors[:20]:
            click.echo(f"  row {error.row} {error.field}: {error.message}", err=True)
        raise click.ClickException("requirements.csv was not imported; see the rows above.")
    session.commit()
    imported_seconds = time.perf_counter() - started
    for problem in record.problems[:20]:
        click.echo(
            f"  supplier row {problem['row']} {problem['field']}: {problem['problem']}", err=True
        )
    day = as_of.date() if as_of else benchmarks.earliest_needed_by(session) or today_in_india()

    started = time.perf_counter()
    with _bar(len(requirements.created), "Ranking requirements") as bar:
        rankings = benchmarks.rank_every_requirement(session, as_of=day, progress=bar.update)
    ranked_seconds = time.perf_counter() - started
    benchmarks.write_rankings(rankings_out, rankings)
    combined = sum(1 for notice in record.notices if notice.get("row") is not None)
    summary = {
        "as_of": day.isoformat(),
        "supplier_rows": record.rows_total,
        "suppliers_imported": record.rows_created + record.rows_updated,
        "supplier_rows_rejected": record.rows_rejected,
        "supplier_rows_combined": combined,
        "requirements": len(requirements.created),
        "import_s": round(imported_seconds, 2),
        "rank_ms_per_requirement": round(1000 * ranked_seconds / max(1, len(rankings)), 2),
        "rankings_out": str(rankings_out),
    }
    return summary, rankings


def _bar(length: int, label: str):
    return click.progressbar(length=length, label=label, file=sys.stderr)


@bench_cli.command("dedup")
@click.option(
    "--data",
    "folders",
    required=True,
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A benchmark folder (suppliers.csv + duplicates.csv, PATSTAT's two files, or "
    "records.csv with a true_id column); repeat for several.",
)
def dedup_command(folders: tuple[Path, ...]):
    """Duplicate detection on each folder: precision, recall, pairs proposed, time, beside
    the rapidfuzz token_set >= 90 baseline measured in the same run."""
    from suppliermatch.suppliers.duplicates import bench as dedup_bench

    reports = [dedup_bench.run(folder) for folder in folders]
    json.dump(reports if len(reports) > 1 else reports[0], sys.stdout, indent=2)
    sys.stdout.write("\n")


@bench_cli.command("matching-speed")
@click.option("--suppliers", type=click.IntRange(min=1), required=True, help="Synthetic suppliers")
@click.option("--requirements", type=click.IntRange(min=1), default=200, show_default=True)
@click.option(
    "--brute-force",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Requirements also timed with the brute-force rapidfuzz scan.",
)
@click.option("--seed", type=int, default=0, show_default=True)
def matching_speed_command(suppliers: int, requirements: int, brute_force: int, seed: int):
    """Index build time, p50/p95 ranking time, peak RSS and the brute-force reference."""
    status = benchmarks.run_speed_script(
        [
            f"--suppliers={suppliers}",
            f"--requirements={requirements}",
            f"--brute-force={brute_force}",
            f"--seed={seed}",
        ]
    )
    sys.exit(status)
