"""Server-side SVG charts: readable without colour, described for screen readers, safe."""

from suppliermatch.reports.charts import Bar, bar_chart, funnel_chart


def test_bar_chart_writes_every_label_and_value_as_text_and_in_its_description():
    svg = str(bar_chart([Bar("Heat treatment", 3), Bar("Coatings", 12)], title="MSMEs"))

    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert "<title>MSMEs. Heat treatment: 3; Coatings: 12</title>" in svg
    assert ">Heat treatment</text>" in svg and ">12</text>" in svg
    assert "style=" not in svg  # the CSP allows no inline styles


def test_bar_lengths_are_proportional_to_the_values():
    svg = str(bar_chart([Bar("a", 5), Bar("b", 10)], title="t", max_value=10))

    # The track is 290 units long: half of it for 5 of 10, all of it for 10.
    assert 'width="145.0"' in svg and 'width="290.0"' in svg


def test_labels_are_escaped_and_long_ones_cut_with_the_full_text_kept_in_the_title():
    label = "<script>alert(1)</script> " + "very long requirement title " * 4
    svg = str(bar_chart([Bar(label, 1)], title="Coverage"))

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "…</text>" in svg
    assert "very long requirement title very long requirement title very long" in svg


def test_funnel_gives_each_stage_its_share_of_the_first():
    svg = str(funnel_chart([("In scope", 40), ("Certified", 10), ("Verified", 0)], title="ZED"))

    assert "In scope: 40</text>" in svg
    assert "Certified: 10 (25%)</text>" in svg
    assert "Verified: 0 (0%)</text>" in svg


def test_empty_charts_say_so():
    assert "No suppliers." in str(bar_chart([], title="MSMEs", empty="No suppliers."))
    assert "No supplier is on this track." in str(funnel_chart([("In scope", 0)], title="ZED"))
