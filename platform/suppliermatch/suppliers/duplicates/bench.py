"""How well duplicate detection finds true re-registrations in a benchmark set.

Three layouts are read from a folder:

* the matching benchmark's: ``suppliers.csv`` and ``duplicates.csv``
  (``supplier_ref, duplicate_of_ref, group``);
* PATSTAT's (``../shared/bench/dedup/patstat``): ``patstat_input.csv`` (``person_id,
  Name, ...``) and ``patstat_reference.csv`` (``person_id, leuven_id``);
* any ``records.csv`` with an ``id`` column, a ``name`` column and a column naming each
  record's true entity (``true_id``, ``group``, ``entity_id`` or ``cluster``); the
  other columns are read when present (``phone``, ``pincode`` or ``zip``, ``district``
  or ``city``, ``state``, ``email``, ``gstin``, ``pan``, ``udyam``).

Two records are a true pair when they share a group. The figures, all pairwise: over
all pairs (a group of 676 records has 228,150 pairs, so big groups weigh most), and
averaged per true group (each group of two or more counts once: the share of its pairs
found, and the share of predicted pairs touching it that are within it). Predictions
are the likely-duplicate pairs themselves and the groups they join (every pair within
one connected component, which is what merging them all would do); beside them, in the
same run, the baseline: rapidfuzz ``token_set_ratio`` >= 90 over all pairs of names
(and where phones or postal codes are given: the same phone, or that likeness within
the same postal code).
"""

import csv
import itertools
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

from suppliermatch.suppliers.duplicates.detector import (
    Relation,
    SupplierRecord,
    duplicate_groups,
    find_duplicates,
)

BASELINE_LIKENESS = 90
_TRUTH_COLUMNS = ("true_id", "group", "entity_id", "cluster", "leuven_id")
_FIELD_COLUMNS = {
    "name": ("name", "site_name", "legal_name"),
    "phone": ("phone", "phone_number", "mobile"),
    "pincode": ("pincode", "pin_code", "zip", "postal_code"),
    "district": ("district", "city"),
    "state": ("state",),
    "email": ("email",),
    "gstin": ("gstin",),
    "pan": ("pan",),
    "udyam": ("udyam",),
}


@dataclass
class BenchSet:
    records: list[SupplierRecord]
    group_of: dict[Hashable, str]  # record id -> true group (records alone included)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            {k.strip().lower(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(handle)
        ]


def _record(row: dict[str, str], record_id: Hashable) -> SupplierRecord:
    values = {}
    for field, columns in _FIELD_COLUMNS.items():
        values[field] = next((row[c] for c in columns if row.get(c)), None)
    return SupplierRecord(id=record_id, **{**values, "name": values["name"] or ""})


def read_bench_set(folder: Path) -> BenchSet:
    if (folder / "patstat_input.csv").exists():
        truth = {
            r["person_id"]: r["leuven_id"] for r in _read_csv(folder / "patstat_reference.csv")
        }
        records = [
            _record(row, row["person_id"]) for row in _read_csv(folder / "patstat_input.csv")
        ]
        return BenchSet(records, truth)
    if (folder / "suppliers.csv").exists():
        records = [_record(row, row["supplier_ref"]) for row in _read_csv(folder / "suppliers.csv")]
        group_of: dict[Hashable, str] = {r.id: f"alone-{r.id}" for r in records}
        for number, row in enumerate(_read_csv(folder / "duplicates.csv")):
            group = row.get("group") or f"row-{number}"
            for ref in (row["supplier_ref"], row["duplicate_of_ref"]):
                group_of[ref] = group
        return BenchSet(records, group_of)
    rows = _read_csv(folder / "records.csv")
    truth_column = next(c for c in _TRUTH_COLUMNS if c in rows[0])
    id_column = next(c for c in ("id", "record_id", "supplier_ref") if c in rows[0])
    records = [_record(row, row[id_column]) for row in rows]
    return BenchSet(records, {row[id_column]: row[truth_column] for row in rows})


def true_pairs(bench: BenchSet) -> set[frozenset]:
    members: dict[str, list] = defaultdict(list)
    for record_id, group in bench.group_of.items():
        members[group].append(record_id)
    return {
        frozenset(pair)
        for ids in members.values()
        for pair in itertools.combinations(sorted(ids, key=str), 2)
    }


def pairs_within(groups: Iterable[set]) -> set[frozenset]:
    return {
        frozenset(pair)
        for members in groups
        for pair in itertools.combinations(sorted(members, key=str), 2)
    }


def measure(predicted: set[frozenset], truth: set[frozenset], bench: BenchSet) -> dict:
    hits = len(predicted & truth)
    figures = {
        "pairs_proposed": len(predicted),
        "precision": round(hits / len(predicted), 3) if predicted else 0.0,
        "recall": round(hits / len(truth), 3) if truth else 0.0,
    }
    touching: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    for pair in predicted:
        first, second = (bench.group_of.get(member) for member in pair)
        for group in {first, second}:
            touching[group] += 1
        if first == second:
            found[first] += 1
    sizes: dict[str, int] = defaultdict(int)
    for group in bench.group_of.values():
        sizes[group] += 1
    recalls, precisions = [], []
    for group, size in sizes.items():
        if size < 2:
            continue
        recalls.append(found[group] / (size * (size - 1) // 2))
        if touching[group]:
            precisions.append(found[group] / touching[group])
    figures["per_group_precision"] = round(float(np.mean(precisions)), 3) if precisions else 0.0
    figures["per_group_recall"] = round(float(np.mean(recalls)), 3) if recalls else 0.0
    return figures


def baseline_pairs(records: list[SupplierRecord]) -> set[frozenset]:
    """token_set_ratio >= 90 over all pairs of names; with phones or postal codes, the
    issue's baseline instead: the same phone, or that likeness within one postal code."""
    names = [record.name for record in records]
    with_place = any(record.pincode or record.phone for record in records)
    predicted: set[frozenset] = set()
    if not with_place:
        for start in range(0, len(names), 2048):
            alike = process.cdist(
                names[start : start + 2048],
                names,
                scorer=fuzz.token_set_ratio,
                processor=utils.default_process,
                score_cutoff=BASELINE_LIKENESS,
                dtype=np.uint8,
                workers=-1,
            )
            for x, y in zip(*np.nonzero(alike), strict=True):
                if start + x < y:
                    predicted.add(frozenset((records[start + x].id, records[y].id)))
        return predicted
    by_value: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if record.phone:
            by_value[("phone", "".join(c for c in record.phone if c.isdigit()))].append(index)
        if record.pincode:
            by_value[("pincode", record.pincode)].append(index)
    for (kind, _), members in by_value.items():
        for x, y in itertools.combinations(members, 2):
            if kind == "phone" or (
                fuzz.token_set_ratio(names[x], names[y], processor=utils.default_process)
                >= BASELINE_LIKENESS
            ):
                predicted.add(frozenset((records[x].id, records[y].id)))
    return predicted


def run(folder: Path) -> dict:
    bench = read_bench_set(folder)
    truth = true_pairs(bench)
    started, cpu_started = time.perf_counter(), time.process_time()
    found = find_duplicates(bench.records)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    likely = {frozenset((p.first_id, p.second_id)) for p in found if p.likely}
    related = {
        frozenset((p.first_id, p.second_id)) for p in found if p.relation == Relation.RELATED_SITES
    }
    report = {
        "data": str(folder),
        "records": len(bench.records),
        "true_groups": sum(1 for size in Counter(bench.group_of.values()).values() if size > 1),
        "true_pairs": len(truth),
        "detector_seconds": round(seconds, 2),
        "detector_cpu_seconds": round(cpu_seconds, 2),
        "process_peak_rss_mib": round(peak / 2**20, 1),
        "likely_pairs": measure(likely, truth, bench),
        "likely_groups": measure(pairs_within(duplicate_groups(found)), truth, bench),
        "likely_and_related_sites": measure(likely | related, truth, bench),
    }
    started = time.perf_counter()
    baseline = baseline_pairs(bench.records)
    report["baseline"] = {
        **measure(baseline, truth, bench),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return report
