"""The project's duplicate detector beside splink (DuckDB backend), on the same sets, same figures.

Setup (a separate venv, so the product's own dependencies stay untouched)::

    python3 -m venv /tmp/splinkvenv
    /tmp/splinkvenv/bin/pip install -q splink pandas
    /tmp/splinkvenv/bin/pip install -q --no-deps -e .
    /tmp/splinkvenv/bin/pip install -q numpy rapidfuzz phonenumbers

    /tmp/splinkvenv/bin/python bench/dedup_vs_splink.py \
        --data ../shared/bench/dedup/patstat --data ../shared/bench/matching [--data DIR ...]

splink is not a product dependency: it is only the yardstick here. It brings DuckDB,
pyarrow and sqlglot (and pandas, for its input frame) into a web application that needs
none of them, and the product's detector already fits its Fellegi-Sunter model on
numpy alone. ``--no-deps`` installs the project itself without Flask and the rest; the
three packages after it are all that ``suppliers.duplicates.detector``/``.bench`` import.

Both methods read each folder through ``dedup_bench.read_bench_set`` and are measured
by the same ``dedup_bench.measure`` against the same ``true_pairs``: the likely pairs
themselves, and every pair within the groups they join (connected components).

splink is used as its tutorials set it up, unsupervised, nothing fitted to the truth:

* columns: ``name_norm`` (lower-case, every run of non-letters/digits one space),
  and where the set has them ``phone_norm`` (digits only, the last ten, so "+91 98..."
  and "098..." agree) and ``postcode``;
* comparisons: ``JaroWinklerAtThresholds("name_norm")`` at splink's default
  thresholds [0.9, 0.7], term-frequency adjusted on the exact level; ``ExactMatch``
  on phone and on postal code;
* blocking for prediction: first three letters of ``name_norm``; the alphabetically
  first word of the name; the same phone; the same postal code (the last two only when
  present);
* the prior (probability two random records match) from the deterministic rule
  "same ``name_norm``" at an assumed recall of ``RECALL`` (0.7, the value of splink's
  quickstart); u by random sampling (``U_MAX_PAIRS`` pairs, fixed seed); m by EM
  blocked on the same ``name_norm`` and then on the same phone (else postal code);
  with a name only, EM is blocked on the first word of the name instead;
* ``predict(threshold_match_probability=0.9)``, then
  ``cluster_pairwise_predictions_at_threshold(..., 0.9)``.

DuckDB is held to one thread (``threads=1``), as are numpy's and pyarrow's pools.
"""

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from suppliermatch.suppliers.duplicates.bench import (  # noqa: E402
    measure,
    pairs_within,
    read_bench_set,
    true_pairs,
)
from suppliermatch.suppliers.duplicates.detector import duplicate_groups, find_duplicates  # noqa: E402

THRESHOLD = 0.9
RECALL = 0.7
U_MAX_PAIRS = 1e7
SEED = 42

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _name_norm(name: str | None) -> str | None:
    cleaned = _NOT_WORD.sub(" ", (name or "").lower()).strip()
    return cleaned or None


def _phone_norm(phone: str | None) -> str | None:
    digits = "".join(c for c in (phone or "") if c.isdigit())
    return digits[-10:] or None


def _frame(records):
    import pandas as pd

    rows = []
    for record in records:
        name = _name_norm(record.name)
        rows.append(
            {
                "unique_id": str(record.id),
                "name_norm": name,
                "name_first_token": min(name.split()) if name else None,
                "phone_norm": _phone_norm(record.phone),
                "postcode": (record.pincode or "").strip() or None,
            }
        )
    return pd.DataFrame(rows, dtype="string")


def run_splink(records) -> tuple[set[frozenset], set[frozenset], dict]:
    import duckdb
    import pyarrow
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    pyarrow.set_cpu_count(1)
    pyarrow.set_io_thread_count(1)
    timings = {}
    started = time.perf_counter()
    frame = _frame(records)
    has_phone = bool(frame["phone_norm"].notna().any())
    has_postcode = bool(frame["postcode"].notna().any())

    comparisons = [
        cl.JaroWinklerAtThresholds("name_norm").configure(term_frequency_adjustments=True)
    ]
    blocking = [block_on("substr(name_norm, 1, 3)"), block_on("name_first_token")]
    if has_phone:
        comparisons.append(cl.ExactMatch("phone_norm"))
        blocking.append(block_on("phone_norm"))
    if has_postcode:
        comparisons.append(cl.ExactMatch("postcode"))
        blocking.append(block_on("postcode"))
    if has_phone or has_postcode:
        em_rules = [block_on("name_norm"), block_on("phone_norm" if has_phone else "postcode")]
    else:
        em_rules = [block_on("name_first_token")]

    db_api = DuckDBAPI(duckdb.connect(":memory:", config={"threads": 1}))
    table = db_api.register(frame, dataset_display_name="records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_norm")], recall=RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    timings["training_seconds"] = round(time.perf_counter() - started, 2)

    predict_started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    scored = predictions.as_pandas_dataframe()
    clustered = clusters.as_pandas_dataframe()
    timings["predict_and_cluster_seconds"] = round(time.perf_counter() - predict_started, 2)
    timings["seconds"] = round(time.perf_counter() - started, 2)

    pairs = {
        frozenset((str(a), str(b)))
        for a, b in zip(scored["unique_id_l"], scored["unique_id_r"], strict=True)
    }
    members: dict[str, set[str]] = {}
    for cluster, record_id in zip(clustered["cluster_id"], clustered["unique_id"], strict=True):
        members.setdefault(str(cluster), set()).add(str(record_id))
    groups = pairs_within(group for group in members.values() if len(group) > 1)

    # Outside the timing: how many pairs the blocking rules put before the model.
    counted = count_comparisons_from_blocking_rules(
        table, blocking_rules=blocking, link_type="dedupe_only", record_sample_proportion=1.0
    )
    model = linker.misc.save_model_to_json()
    setup = {
        "version": __import__("splink").__version__,
        "comparisons": [c["output_column_name"] for c in model["comparisons"]],
        "blocking_rules": [
            r["blocking_rule"] for r in model["blocking_rules_to_generate_predictions"]
        ],
        "em_blocking_rules": [r.get_blocking_rule("duckdb").blocking_rule_sql for r in em_rules],
        "prior_rule": "l.name_norm = r.name_norm",
        "prior_recall_assumed": RECALL,
        "prior_estimated": float(f"{model['probability_two_random_records_match']:.3g}"),
        "u_max_pairs": U_MAX_PAIRS,
        "threshold_match_probability": THRESHOLD,
        "pairs_scored_after_blocking": int(counted[-1]["cumulative_comparison_count"]),
        "match_weights": {
            c["output_column_name"]: [
                [
                    level.get("label_for_charts"),
                    _weight(level.get("m_probability"), level.get("u_probability")),
                ]
                for level in c["comparison_levels"]
                if not level.get("is_null_level")
            ]
            for c in model["comparisons"]
        },
    }
    return pairs, groups, {**timings, "setup": setup}


def _weight(m, u):
    import math

    if not m or not u:
        return None
    return round(math.log2(m / u), 2)


def run(folder: Path) -> dict:
    bench = read_bench_set(folder)
    truth = true_pairs(bench)
    report = {
        "data": str(folder),
        "records": len(bench.records),
        "true_groups": sum(1 for size in Counter(bench.group_of.values()).values() if size > 1),
        "true_pairs": len(truth),
    }

    started = time.perf_counter()
    found = find_duplicates(bench.records)
    groups = duplicate_groups(found)
    seconds = time.perf_counter() - started
    likely = {frozenset((p.first_id, p.second_id)) for p in found if p.likely}
    report["ours"] = {
        "likely_pairs": measure(likely, truth, bench),
        "likely_groups": measure(pairs_within(groups), truth, bench),
        "seconds": round(seconds, 2),
    }

    try:
        pairs, groups, extra = run_splink(bench.records)
    except Exception as error:  # report it beside ours rather than lose the run
        report["splink"] = {
            "error": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(),
        }
        return report
    setup = extra.pop("setup")
    report["splink"] = {
        "likely_pairs": measure(pairs, truth, bench),
        "likely_groups": measure(groups, truth, bench),
        **extra,
    }
    report["splink_setup"] = setup
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True)
    args = parser.parse_args(argv)
    for folder in args.data:
        print(json.dumps(run(folder), indent=2), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
