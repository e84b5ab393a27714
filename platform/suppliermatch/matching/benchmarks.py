"""The work behind ``flask bench matching`` and ``flask bench matching-speed``.

``matching``: a benchmark folder (bench/matching/README.md's format) goes into a fresh
database through the product's own import code, and every requirement is ranked by the
same service the API calls, so the figures measure what users get, database round trip
included. The benchmark's judge (hard-constraint violations) reads the CSV files
themselves, never the database, so an import that lost something shows up as a loss.

``matching-speed``: the engine helper's speed benchmark (``bench/matching_speed.py``),
run as it is, so that both commands print the same measurement.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.accounts.models import Cluster
from suppliermatch.errors import ValidationFailed
from suppliermatch.matching.cache import cache_for
from suppliermatch.matching.csv_adapter import (
    QRELS_FILE,
    REQUIREMENTS_FILE,
    SUPPLIERS_FILE,
    read_folder,
)
from suppliermatch.matching.engine.types import RequirementQuery, SupplierDoc
from suppliermatch.matching.metrics import QualityReport, evaluate, fails_hard_constraint
from suppliermatch.matching.service import rank_requirement
from suppliermatch.paths import REPO_ROOT
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.requirements import importer as requirement_importer
from suppliermatch.requirements.models import Requirement
from suppliermatch.suppliers.imports.importer import ImportMode, import_suppliers
from suppliermatch.suppliers.imports.tabular import open_table
from suppliermatch.suppliers.models import Supplier, SupplierImport
from suppliermatch.tables import metadata

# Rankings written per requirement, as the benchmark's README asks.
TOP_WRITTEN = 100
RANKINGS_HEADER = ("requirement_ref", "supplier_ref", "rank", "score")
# A benchmark file on local disk: no upload limits, but a bound all the same.
MAX_FILE_BYTES = 4 << 30
MAX_FILE_ROWS = 10_000_000
BENCH_CLUSTER_SLUG = "bench"
# The benchmark acts as the platform itself (an admin's reach, no user behind it).
BENCH_ACTOR = Actor(kind=ActorKind.ADMIN)
SPEED_SCRIPT = REPO_ROOT / "bench" / "matching_speed.py"


def temporary_database(directory: Path) -> sa.Engine:
    """A new SQLite database file in ``directory`` with the whole schema."""
    engine = sa.create_engine(f"sqlite:///{directory / 'bench.db'}")
    metadata.create_all(engine)
    return engine


def bench_cluster(session: Session) -> Cluster:
    cluster = Cluster(slug=BENCH_CLUSTER_SLUG, name="Benchmark cluster", state="Karnataka")
    session.add(cluster)
    session.flush()
    return cluster


def import_supplier_file(
    session: Session, folder: Path, *, cluster_id: int, progress: Callable[[int], None]
) -> SupplierImport:
    """suppliers.csv through the coordinators' spreadsheet import (good rows only)."""
    path = folder / SUPPLIERS_FILE
    table = open_table(path, path.name, max_bytes=MAX_FILE_BYTES, max_rows=MAX_FILE_ROWS)
    return import_suppliers(
        session,
        table,
        filename=path.name,
        cluster_id=cluster_id,
        mode=ImportMode.GOOD_ROWS_ONLY,
        only_within_cluster=False,
        progress=progress,
    )


def supplier_row_count(folder: Path) -> int:
    with (folder / SUPPLIERS_FILE).open(newline="", encoding="utf-8-sig") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def import_requirement_file(
    session: Session, folder: Path, *, cluster_id: int
) -> requirement_importer.ImportReport:
    """requirements.csv through the requirements import, in pieces of the size it accepts."""
    text = (folder / REQUIREMENTS_FILE).read_text(encoding="utf-8-sig")
    report = requirement_importer.ImportReport()
    for piece in _csv_pieces(text, requirement_importer.MAX_ROWS):
        rows = requirement_importer.read_requirements_csv(piece)
        part = requirement_importer.import_requirements(
            session, rows, actor=requirement_importer.SYSTEM_IMPORTER, cluster_id=cluster_id
        )
        report.created += part.created
        report.existing += part.existing
        report.errors += part.errors
        report.requirements += part.requirements
        if part.errors:
            break
    return report


def _csv_pieces(text: str, rows_per_piece: int) -> Iterator[str]:
    """The CSV text again, as files of at most ``rows_per_piece`` rows under its header."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ValidationFailed("requirements.csv is empty.", field="file")
    piece: list[list[str]] = []
    for row in reader:
        piece.append(row)
        if len(piece) == rows_per_piece:
            yield _as_csv(header, piece)
            piece = []
    if piece:
        yield _as_csv(header, piece)


def _as_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class RankedRow:
    requirement_ref: str
    supplier_ref: str
    rank: int
    score: float


def rank_every_requirement(
    session: Session, *, as_of: date, progress: Callable[[int], None]
) -> dict[str, list[RankedRow]]:
    """Each imported requirement ranked by the API's service, as of ``as_of``."""
    cache_for(session).today = lambda: as_of  # readiness dated like the rankings
    refs = dict(session.execute(select(Supplier.id, Supplier.external_ref)).all())
    rankings: dict[str, list[RankedRow]] = {}
    requirements = session.execute(
        select(Requirement.id, Requirement.external_ref).order_by(Requirement.id)
    ).all()
    for requirement_id, requirement_ref in requirements:
        matches = rank_requirement(
            session,
            requirement_id,
            actor=BENCH_ACTOR,
            limit=TOP_WRITTEN,
            explain_top=0,
            today=as_of,
        )
        rankings[requirement_ref] = [
            RankedRow(requirement_ref, refs[item.supplier_id], item.rank, item.score)
            for item in matches.items
        ]
        progress(1)
    return rankings


def earliest_needed_by(session: Session) -> date | None:
    return session.scalar(select(sa.func.min(Requirement.needed_by)))


def write_rankings(path: Path, rankings: dict[str, list[RankedRow]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(RANKINGS_HEADER)
        for rows in rankings.values():
            writer.writerows(
                (r.requirement_ref, r.supplier_ref, r.rank, f"{r.score:.4f}") for r in rows
            )


def quality(folder: Path, rankings: dict[str, list[RankedRow]]) -> dict | None:
    """NDCG@10, P@10, recall@50, violations@10 against qrels.csv (None without one), for
    the product's rankings and, in the same run, for the BM25 reference ranker; each also
    on the odd and the even requirements alone, as a check on generalisation.

    The judge reads the folder's own CSV files: a supplier the import combined with
    another or rejected is simply absent from the rankings.
    """
    if not (folder / QRELS_FILE).exists():
        return None
    suppliers, requirements, grades = read_folder(folder)
    by_ref = {s.ref: s for s in suppliers}
    queries = {q.ref: q for q in requirements}
    catalogue = default_catalogue()
    order = [q.ref for q in requirements]

    def scored(ranked: dict[str, list[str]]) -> dict:
        report = evaluate(
            ranked,
            grades,
            lambda requirement, supplier: fails_hard_constraint(
                by_ref[supplier], queries[requirement], catalogue
            ),
        )
        figures = report.summary()
        for half, keep in (("odd", 1), ("even", 0)):
            refs = {ref for position, ref in enumerate(order, start=1) if position % 2 == keep}
            part = QualityReport(
                {ref: s for ref, s in report.per_requirement.items() if ref in refs}
            )
            figures[f"ndcg@10_{half}_requirements"] = round(part.mean("ndcg_at_10"), 4)
        figures["empty_rankings"] = sum(1 for ref in order if not ranked.get(ref))
        return figures

    figures = scored({ref: [r.supplier_ref for r in rows] for ref, rows in rankings.items()})
    reference = scored(bm25_rankings(suppliers, requirements))
    figures["reference_bm25"] = reference
    if reference["ndcg@10"] > 0:
        figures["ndcg@10_over_bm25"] = round(figures["ndcg@10"] / reference["ndcg@10"], 3)
    return figures


def bm25_rankings(
    suppliers: list[SupplierDoc], requirements: list[RequirementQuery]
) -> dict[str, list[str]]:
    """The reference ranker: plain BM25 (bm25s, English stop words, no constraints) over
    each supplier's name and capabilities, queried with title and description."""
    import bm25s  # only the benchmark needs it

    corpus = [f"{s.name} {s.capabilities}" for s in suppliers]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False
    )
    rankings: dict[str, list[str]] = {}
    for query in requirements:
        tokens = bm25s.tokenize(
            [f"{query.title} {query.description}"], stopwords="en", show_progress=False
        )
        if not any(tokens.ids):
            rankings[query.ref] = []
            continue
        found, scores = retriever.retrieve(
            tokens, k=min(TOP_WRITTEN, len(corpus)), show_progress=False
        )
        rankings[query.ref] = [
            suppliers[i].ref for i, score in zip(found[0], scores[0], strict=True) if score > 0
        ]
    return rankings


def run_speed_script(argv: list[str]) -> int:
    """``bench/matching_speed.py`` with these arguments (it prints its JSON report)."""
    if not SPEED_SCRIPT.exists():
        raise FileNotFoundError(f"{SPEED_SCRIPT} is missing: run from a source checkout")
    spec = importlib.util.spec_from_file_location("matching_speed", SPEED_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)
