"""``flask bench matching`` and ``flask bench matching-speed`` on small generated data."""

import csv
import json
from dataclasses import replace
from itertools import groupby

import pytest

from suppliermatch.matching.csv_adapter import read_folder
from suppliermatch.matching.engine.concepts import default_matcher
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.synthetic import SyntheticData
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.requirements.importer import CSV_COLUMNS

SUPPLIER_COLUMNS = (
    "supplier_ref",
    "name",
    "categories",
    "capabilities",
    "certifications",
    "capacity_per_month",
    "best_tolerance_mm",
    "lat",
    "lon",
)


def _number(value) -> str:
    return "" if value is None else f"{value:g}"


def _declared_categories(supplier):
    """Categories the supplier's text names, so that every row keeps its capacity."""
    taxonomy = default_taxonomy()
    offered = default_matcher().read_for_index(supplier.capabilities)[0]
    return supplier.categories or tuple(
        dict.fromkeys(taxonomy.process(p).category for p in offered)
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A benchmark folder of 150 synthetic suppliers, 6 requirements and some grades."""
    path = tmp_path_factory.mktemp("bench")
    data = SyntheticData(seed=7)
    suppliers = [replace(s, categories=_declared_categories(s)) for s in data.suppliers(150)]
    requirements = data.requirements(6)
    with (path / "suppliers.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUPPLIER_COLUMNS)
        for s in suppliers:
            certificates = ";".join(
                f"{c.code}|{c.status}|{c.valid_until.isoformat()}" for c in s.certificates
            )
            writer.writerow(
                [s.ref, s.name, ";".join(s.categories), s.capabilities, certificates]
                + [_number(v) for v in (s.capacity_per_month, s.best_tolerance_mm, s.lat, s.lon)]
            )
    with (path / "requirements.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for r in requirements:
            writer.writerow(
                [r.ref, "Deccan REPM", r.title, r.description, r.category]
                + [";".join(r.required_certs), ";".join(r.preferred_certs)]
                + [_number(r.quantity_per_month), _number(r.tolerance_mm), ""]
                + [_number(v) for v in (r.plant_lat, r.plant_lon, r.max_distance_km)]
                + [r.needed_by.isoformat()]
            )
    # Grades for a handful of pairs: enough for the measures to be computed.
    with (path / "qrels.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["requirement_ref", "supplier_ref", "grade"])
        for r in requirements:
            for grade, s in zip((3, 2, 2, 1), suppliers[: 4 * int(r.ref[1:])][-4:], strict=True):
                writer.writerow([r.ref, s.ref, grade])
    return path


def pure_rankings(folder) -> dict[str, set[str]]:
    """What the engine ranks straight from the CSV files, without a database."""
    suppliers, requirements, _ = read_folder(folder)
    index = MatchIndex.build(suppliers)
    return {
        q.ref: {item.supplier_ref for item in index.rank(q, limit=100, explain_top=0).ranked}
        for q in requirements
    }


def test_bench_matching_writes_rankings_and_prints_the_measures(app, folder, tmp_path):
    out = tmp_path / "rankings.csv"
    result = app.test_cli_runner().invoke(
        args=["bench", "matching", "--data", str(folder), "--rankings-out", str(out)]
    )
    assert result.exit_code == 0, result.output

    figures = json.loads(result.stdout)
    assert figures["suppliers_imported"] == 150 and figures["requirements"] == 6
    for measure in ("ndcg@10", "p@10", "recall@50", "violations@10"):
        assert 0 <= figures[measure] <= 1, measure
    assert figures["violations@10"] == 0
    # The reference ranker is scored in the same run, and both on each half of the file.
    reference = figures["reference_bm25"]
    for measure in ("ndcg@10", "recall@50", "ndcg@10_odd_requirements", "empty_rankings"):
        assert measure in reference and measure in figures, measure
    assert figures["ndcg@10_over_bm25"] == pytest.approx(
        figures["ndcg@10"] / reference["ndcg@10"], abs=1e-3
    )

    with out.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["requirement_ref", "supplier_ref", "rank", "score"]
        rows = list(reader)
    through_database = {}
    for ref, group in groupby(rows, key=lambda row: row["requirement_ref"]):
        group = list(group)
        assert [int(row["rank"]) for row in group] == list(range(1, len(group) + 1))
        scores = [float(row["score"]) for row in group]
        assert scores == sorted(scores, reverse=True) and len(group) <= 100
        through_database[ref] = {row["supplier_ref"] for row in group}
    # The database round trip loses nothing the engine uses: the same suppliers qualify.
    expected = pure_rankings(folder)
    assert {ref: found for ref, found in expected.items() if found} == through_database


def test_bench_matching_without_grades_still_ranks(app, folder, tmp_path):
    ungraded = tmp_path / "ungraded"
    ungraded.mkdir()
    for name in ("suppliers.csv", "requirements.csv"):
        (ungraded / name).write_bytes((folder / name).read_bytes())
    out = tmp_path / "rankings.csv"
    result = app.test_cli_runner().invoke(
        args=["bench", "matching", "--data", str(ungraded), "--rankings-out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "ndcg@10" not in json.loads(result.stdout)
    assert out.read_text().startswith("requirement_ref,supplier_ref,rank,score")


def test_bench_matching_speed_prints_its_figures(app):
    result = app.test_cli_runner().invoke(
        args=["bench", "matching-speed", "--suppliers", "300", "--requirements", "5"]
        + ["--brute-force", "2"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["suppliers"] == 300
    for key in ("index_build_s", "rank_ms_p50", "rank_ms_p95", "peak_rss_mb", "speedup_p50"):
        assert figures[key] > 0, key
    assert figures["brute_force_ms_p50"] > 0
