"""The duplicate-detection benchmark reads a labelled list and says how the detector and the
baseline did, over all pairs and per group."""

import json

from suppliermatch.suppliers.duplicates import bench as dedup_bench

RECORDS = """id,name,phone,zip,true_id
1,Acmeware College Training Centre,0674 2345678,751001,A
2,Board of Trustees of Acmeware College,0674 2345678,751001,A
3,Kalinga Magnetics Pvt Ltd,9437012345,761008,K
4,KALINGA MAGNETICS,+91 94370 12345,761008,K
5,Utkal Alloys,9437054321,753001,U
"""


def test_bench_command_prints_figures_for_the_detector_and_the_baseline(app, tmp_path):
    (tmp_path / "records.csv").write_text(RECORDS)
    result = app.test_cli_runner().invoke(args=["bench", "dedup", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["records"], report["true_groups"], report["true_pairs"]) == (5, 2, 2)
    likely = report["likely_pairs"]
    assert (likely["pairs_proposed"], likely["precision"], likely["recall"]) == (1, 1.0, 0.5)
    # The two sites of one college share a phone and a stem: related sites, counted apart.
    assert report["likely_and_related_sites"]["recall"] == 1.0
    assert report["baseline"]["recall"] == 1.0  # the same phone joins both pairs


def test_per_group_figures_count_each_group_once():
    bench = dedup_bench.BenchSet(records=[], group_of={1: "A", 2: "A", 3: "B", 4: "B", 5: "B"})
    truth = dedup_bench.true_pairs(bench)
    predicted = {frozenset((1, 2)), frozenset((3, 4)), frozenset((2, 3))}
    figures = dedup_bench.measure(predicted, truth, bench)
    assert (figures["precision"], figures["recall"]) == (round(2 / 3, 3), 0.5)
    assert figures["per_group_recall"] == round((1 + 1 / 3) / 2, 3)
    assert figures["per_group_precision"] == 0.5
