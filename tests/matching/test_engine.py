"""Ranking as a buyer sees it: who is listed, in what order, and why (or why not)."""

import threading
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suppliermatch.matching.engine.constraints import hard_constraint_failures
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.engine.scoring import WeightError
from suppliermatch.matching.engine.types import ProcessMatch
from suppliermatch.reference.certificates import default_catalogue
from tests.matching.builders import FAR, NEEDED_BY, cert, requirement, supplier


def refs(result):
    return [item.supplier_ref for item in result.ranked]


def rank(suppliers, query, **options):
    return MatchIndex.build(suppliers).rank(query, **options)


def test_exact_process_ranks_above_a_related_one_even_when_the_related_one_is_better_placed():
    exact = supplier("EXACT", "spark erosion", capacity_per_month=2_600, lat=FAR[0], lon=FAR[1])
    related = supplier("RELATED", "multi-wire saw slicing", certificates=(cert("ISO9001"),))
    result = rank([related, exact], requirement())
    assert refs(result) == ["EXACT", "RELATED"]
    assert [item.match for item in result.ranked] == [ProcessMatch.EXACT, ProcessMatch.RELATED]
    assert result.ranked[0].score > result.ranked[1].score


def test_supplier_without_the_process_or_a_related_one_is_not_listed():
    result = rank([supplier("EDM"), supplier("PLATER", "zinc plating")], requirement())
    assert refs(result) == ["EDM"]


def test_reason_quotes_the_suppliers_own_words_for_the_process():
    result = rank([supplier("S1", "Spark erosion job work, surface grinding")], requirement())
    assert "offers wire EDM (matched 'Spark erosion job work')" in result.ranked[0].reasons


def test_related_supplier_is_told_apart_in_its_reason():
    result = rank([supplier("S1", "multi-wire saw slicing")], requirement())
    reason = result.ranked[0].reasons[0]
    assert reason.startswith(
        "offers slicing with ID/OD or multi-wire saws, closely related to wire EDM"
    )


def test_missing_required_certificate_excludes_the_supplier_and_says_why():
    lapsed = supplier("LAPSED", certificates=(cert("ISO9001", valid_until=date(2026, 5, 1)),))
    pending = supplier("PENDING", certificates=(cert("ISO9001", status="applied"),))
    result = rank([lapsed, pending, supplier("OK")], requirement(), include_excluded=True)
    assert refs(result) == ["OK"]
    why_not = {item.supplier_ref: item.failures for item in result.excluded}
    assert why_not["LAPSED"] == (
        "required ISO 9001: ISO 9001 expires 01 May 2026, before the needed-by date 30 Aug 2026",
    )
    assert why_not["PENDING"] == ("required ISO 9001: ISO 9001 is applied, not certified",)
    assert all(not item.qualifies for item in result.excluded)


def test_certificate_valid_on_the_needed_by_day_counts():
    on_the_day = supplier("S1", certificates=(cert("ISO9001", valid_until=NEEDED_BY),))
    assert refs(rank([on_the_day], requirement())) == ["S1"]


def test_higher_zed_level_meets_a_lower_requirement_and_a_lower_one_does_not():
    gold = supplier("GOLD", certificates=(cert("ZED_GOLD"),))
    bronze = supplier("BRONZE", certificates=(cert("ZED_BRONZE"),))
    result = rank(
        [gold, bronze], requirement(required_certs=("ZED_SILVER",)), include_excluded=True
    )
    assert refs(result) == ["GOLD"]
    assert "holds ZED Gold (meets ZED Silver), valid to Mar 2027" in result.ranked[0].reasons
    assert result.excluded[0].failures == ("holds ZED Bronze, below the required ZED Silver",)


def test_tolerance_must_be_declared_and_at_least_as_fine_as_required():
    fine = supplier("FINE", best_tolerance_mm=0.005)
    coarse = supplier("COARSE", best_tolerance_mm=0.05)
    silent = supplier("SILENT", best_tolerance_mm=None)
    result = rank([fine, coarse, silent], requirement(tolerance_mm=0.01), include_excluded=True)
    assert refs(result) == ["FINE"]
    assert "best tolerance 0.005 mm meets 0.01 mm" in result.ranked[0].reasons
    why_not = {item.supplier_ref: item.failures for item in result.excluded}
    assert why_not["COARSE"] == ("best tolerance 0.05 mm is coarser than the required 0.01 mm",)
    assert why_not["SILENT"] == ("no tolerance declared; 0.01 mm is required",)


def test_capacity_below_half_excludes_and_partial_capacity_ranks_below_full():
    full = supplier("FULL", capacity_per_month=5_000, lat=FAR[0], lon=FAR[1])
    partial = supplier("PARTIAL", capacity_per_month=3_000)
    small = supplier("SMALL", capacity_per_month=2_000)
    result = rank([partial, small, full], requirement(max_distance_km=None), include_excluded=True)
    assert refs(result) == ["FULL", "PARTIAL"]
    assert "capacity 3,000/month covers 60% of the 5,000 requested" in result.ranked[1].reasons
    assert result.excluded[0].failures == (
        "capacity 2,000/month is below half of the 5,000 requested",
    )


def test_beyond_the_preferred_distance_ranks_lower_and_is_explained():
    far = supplier("FAR", lat=FAR[0], lon=FAR[1], readiness=1.0)
    near = supplier("NEAR", readiness=0.0)
    result = rank([far, near], requirement())
    assert refs(result) == ["NEAR", "FAR"]
    assert any(
        r.endswith("km from the plant, beyond the preferred 300 km")
        for r in result.ranked[1].reasons
    )
    assert any(
        r.endswith("km from the plant, within the preferred 300 km")
        for r in result.ranked[0].reasons
    )


def test_missing_preferred_certificate_ranks_lower():
    with_preferred = supplier(
        "BOTH", certificates=(cert("ISO9001"), cert("ISO14001")), readiness=0.0
    )
    without = supplier("ONE", readiness=1.0, scorecard=1.0)
    result = rank([without, with_preferred], requirement(preferred_certs=("ISO14001",)))
    assert refs(result) == ["BOTH", "ONE"]
    assert "also holds preferred ISO 14001, valid to Mar 2027" in result.ranked[0].reasons
    assert "does not hold the preferred ISO 14001" in result.ranked[1].reasons


def test_weights_can_be_overridden_per_requirement():
    far_big = supplier("FAR", lat=FAR[0], lon=FAR[1], capacity_per_month=20_000)
    near_small = supplier("NEAR", capacity_per_month=3_000)
    query = requirement()
    assert refs(rank([far_big, near_small], query)) == ["NEAR", "FAR"]
    capacity_first = replace(query, weights={"distance": 0.0, "proximity": 0.0})
    assert refs(rank([far_big, near_small], capacity_first)) == ["FAR", "NEAR"]


def test_unknown_weight_is_refused_with_the_known_names():
    with pytest.raises(WeightError, match="unknown weight 'price'.*capacity"):
        rank([supplier("S1")], requirement(weights={"price": 1.0}))


def test_factor_breakdown_adds_up_to_the_score():
    result = rank([supplier("S1")], requirement(preferred_certs=("ISO14001",)))
    item = result.ranked[0]
    assert item.score == pytest.approx(0.6 + sum(f.contribution for f in item.factors), abs=1e-3)
    assert {f.name for f in item.factors} >= {"preferred_certs", "capacity", "distance"}


def test_equipment_owned_is_not_an_offer_of_the_service():
    owner = supplier("OWNER", "Zinc plating. Facilities: 2 wire EDM machines", categories=())
    result = rank([owner, supplier("EDM")], requirement(category="cnc_machining"))
    assert refs(result) == ["EDM", "OWNER"]
    assert result.ranked[1].match is ProcessMatch.WEAK


def test_requirement_may_name_its_process_directly():
    query = requirement(title="Job for our Hosur plant", process_slug="grinding")
    result = rank([supplier("GRINDER", "centreless grinding"), supplier("EDM")], query)
    assert result.process == "grinding"
    assert refs(result)[0] == "GRINDER"


def test_requirement_process_is_read_from_title_and_description():
    query = requirement(title="RFQ - WEDM", description="Tolerance +/-0.01 mm, 5,000 per month")
    assert rank([supplier("S1")], query).process == "wire_edm"


def test_unknown_process_falls_back_to_text_similarity_with_a_note():
    query = requirement(title="laser engraving of serial numbers", required_certs=())
    engraver = supplier("ENGRAVER", "laser engraving of serial numbers on parts")
    result = rank([engraver, supplier("EDM")], query)
    assert result.process is None
    assert refs(result) == ["ENGRAVER"]
    assert result.ranked[0].match is ProcessMatch.TEXT
    assert result.notes


def test_upsert_replaces_a_supplier_and_remove_takes_it_out():
    index = MatchIndex.build([supplier("S1", "zinc plating"), supplier("S2")])
    assert refs(index.rank(requirement())) == ["S2"]
    index.upsert(supplier("S1"))
    assert sorted(refs(index.rank(requirement()))) == ["S1", "S2"]
    assert index.remove("S2") is True
    assert index.remove("S2") is False
    assert refs(index.rank(requirement())) == ["S1"]
    assert len(index) == 1


def test_the_same_supplier_twice_in_one_build_keeps_the_later_profile():
    index = MatchIndex.build([supplier("S1"), supplier("S1", "zinc plating")])
    assert len(index) == 1
    assert refs(index.rank(requirement())) == []


def test_index_compacts_after_many_updates_and_keeps_the_latest_profiles():
    index = MatchIndex.build([supplier(f"S{i}") for i in range(1100)])
    for round_number in range(2):
        for i in range(1100):
            text = "zinc plating" if i % 100 == 0 and round_number == 1 else "wire EDM"
            index.upsert(supplier(f"S{i}", text))
    assert len(index) == 1100
    assert index.row_count < 2 * 1100  # retired rows were dropped
    listed = set(refs(index.rank(requirement(), limit=2000, explain_top=0)))
    assert listed == {f"S{i}" for i in range(1100) if i % 100}


def test_limit_and_explain_top_bound_the_work():
    result = rank(
        [supplier(f"S{i:02d}") for i in range(30)], requirement(), limit=10, explain_top=3
    )
    assert len(result.ranked) == 10
    assert [bool(item.reasons) for item in result.ranked] == [True] * 3 + [False] * 7
    assert [item.rank for item in result.ranked] == list(range(1, 11))


CODES = ["ISO9001", "ZED_BRONZE", "ZED_SILVER", "ZED_GOLD", "AS9100"]
STATUSES = ["certified", "certified", "expired", "applied", "suspended"]
held_certificates = st.lists(
    st.builds(
        cert,
        st.sampled_from(CODES),
        st.sampled_from(STATUSES),
        st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    ),
    max_size=4,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    profiles=st.lists(
        st.tuples(
            held_certificates,
            st.one_of(st.none(), st.sampled_from([100.0, 2_500.0, 4_000.0, 9_000.0])),
            st.one_of(st.none(), st.sampled_from([0.002, 0.01, 0.05])),
        ),
        min_size=1,
        max_size=12,
    ),
    required=st.lists(st.sampled_from(CODES), max_size=2, unique=True),
    tolerance=st.one_of(st.none(), st.sampled_from([0.005, 0.01])),
)
def test_every_listed_supplier_meets_the_hard_constraints_and_every_excluded_one_fails(
    profiles, required, tolerance
):
    suppliers = [
        supplier(
            f"S{i}", certificates=tuple(certs), capacity_per_month=capacity, best_tolerance_mm=tol
        )
        for i, (certs, capacity, tol) in enumerate(profiles)
    ]
    query = requirement(required_certs=tuple(required), tolerance_mm=tolerance)
    result = rank(suppliers, query, include_excluded=True)
    by_ref = {s.ref: s for s in suppliers}

    def fails(ref):
        s = by_ref[ref]
        return bool(
            hard_constraint_failures(
                certificates=s.certificates,
                capacity_per_month=s.capacity_per_month,
                best_tolerance_mm=s.best_tolerance_mm,
                query=query,
                catalogue=default_catalogue(),
            )
        )

    assert not any(fails(ref) for ref in refs(result))
    assert all(fails(item.supplier_ref) for item in result.excluded)
    assert len(result.ranked) + len(result.excluded) == len(suppliers)


def test_profiles_can_change_while_other_threads_rank():
    index = MatchIndex.build([supplier(f"S{i}") for i in range(50)])
    errors = []

    def update():
        try:
            for i in range(150):
                index.upsert(supplier(f"S{i % 80}", capacity_per_month=5_000 + i))
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    def read():
        try:
            for _ in range(20):
                assert index.rank(requirement(), explain_top=5).ranked
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=update), threading.Thread(target=read)]
    threads += [threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(index) == 80


def test_a_requirement_naming_no_process_is_ranked_by_its_words_with_what_matched():
    query = requirement(title="Egg noodles, dry", required_certs=(), quantity_per_month=None)
    noodles = supplier("NOODLES", "Noodles, fresh, Egg noodles made from purchased flour")
    pasta = supplier("PASTA", "Dry pasta, Cake mixes made from purchased flour")
    result = rank([pasta, noodles, supplier("EDM")], query)
    assert refs(result) == ["NOODLES", "PASTA"]
    assert result.ranked[0].match is ProcessMatch.TEXT
    assert (
        result.ranked[0].reasons[0]
        == "matched 'Egg noodles made from purchased flour' for 'Egg noodles'"
    )
    assert result.ranked[1].reasons[0] == "matched 'Dry pasta' for 'dry'"


def test_what_a_requirement_says_it_is_not_does_not_match():
    query = requirement(
        title="Platinum foil not made in rolling mills", required_certs=(), quantity_per_month=None
    )
    foil = supplier("FOIL", "Platinum foil and leaf, Gold leaf")
    mill = supplier(
        "MILL", "Aluminium sheet made in rolling mills, Steel strip made in rolling mills"
    )
    result = rank([mill, foil], query)
    assert refs(result)[0] == "FOIL"
    assert all("rolling" not in reason for item in result.ranked for reason in item.reasons)


def test_a_supplier_sharing_no_word_is_found_by_meaning_and_says_so():
    query = requirement(title="Showcases", required_certs=(), quantity_per_month=None)
    display = supplier("DISPLAY", "Display cases and fixtures, Furniture parts, finished wood")
    result = rank([display, supplier("EDM"), supplier("PUMPS", "Centrifugal pumps")], query)
    assert refs(result) == ["DISPLAY"]
    assert result.ranked[0].match is ProcessMatch.TEXT
    assert result.ranked[0].reasons[0] == (
        "its capability text is close in meaning to the requirement (no word in common)"
    )


def test_closeness_in_meaning_reorders_word_matches_but_unrelated_text_stays_out():
    query = requirement(title="Lithium batteries", required_certs=(), quantity_per_month=None)
    cells = supplier("CELLS", "Rechargeable battery cells and packs, storage batteries")
    lithium_grease = supplier("GREASE", "Lithium grease, lubricating oils")
    result = rank([lithium_grease, cells, supplier("EDM")], query)
    assert refs(result)[0] == "CELLS"
    assert "EDM" not in refs(result)


def test_distance_breaks_ties_between_text_matches_but_never_overrides_the_words():
    query = requirement(title="Corrugated cartons for export", required_certs=())
    close_but_vague = supplier("NEAR", "Cartons, paper bags, labels and stickers, printing")
    exact_but_far = supplier("FAR", "Corrugated cartons", lat=FAR[0], lon=FAR[1])
    twin_near = supplier("TWIN", "Corrugated cartons")
    result = rank([close_but_vague, exact_but_far, twin_near], replace(query, max_distance_km=100))
    assert refs(result) == ["TWIN", "FAR", "NEAR"]


def test_hard_constraints_and_the_why_not_list_hold_on_the_text_path():
    query = requirement(title="Corrugated cartons", required_certs=("ISO9001",))
    lapsed = supplier("LAPSED", "Corrugated cartons", certificates=())
    result = rank(
        [lapsed, supplier("OK", "Corrugated boxes and cartons")], query, include_excluded=True
    )
    assert refs(result) == ["OK"]
    assert [item.supplier_ref for item in result.excluded] == ["LAPSED"]
    assert result.excluded[0].failures == ("does not hold the required ISO 9001",)


def test_a_weak_process_reading_leaves_the_ranking_to_the_words():
    query = requirement(title="Lamps (i.e., lighting fixtures), commercial", required_certs=())
    lamps = supplier("LAMPS", "Commercial lighting fixtures, Lamps and lanterns")
    jigs = supplier("JIGS", "jigs and fixtures, CNC turning")
    result = rank([jigs, lamps], query)
    assert result.process is None and "only in part" in result.notes[0]
    assert refs(result)[0] == "LAMPS"


def test_text_matches_fill_a_ranking_after_the_suppliers_offering_the_process():
    result = rank([supplier("EDM"), supplier("WORDS", "job work on wire harnesses")], requirement())
    assert refs(result) == ["EDM", "WORDS"]
    assert [item.match for item in result.ranked] == [ProcessMatch.EXACT, ProcessMatch.TEXT]


def test_a_removed_supplier_is_not_found_by_its_words():
    index = MatchIndex.build([supplier("A", "Corrugated cartons"), supplier("B", "Cartons")])
    index.remove("A")
    query = requirement(title="Corrugated cartons", required_certs=())
    assert refs(index.rank(query)) == ["B"]


def test_a_sentence_many_suppliers_write_is_left_out_of_their_meaning():
    from suppliermatch.matching.engine.semantic import Boilerplate

    boilerplate = Boilerplate()
    texts = [f"Product {number}. Job work undertaken." for number in range(5)]
    for text in [*texts, "Enquiries welcome."]:
        boilerplate.count(text)
    assert boilerplate.without_common("Corrugated cartons. Job  work undertaken.") == (
        "Corrugated cartons"
    )
    # Said by one supplier only: kept; a text that is all boilerplate keeps its words.
    assert boilerplate.without_common("Enquiries welcome.") == "Enquiries welcome."
    assert boilerplate.without_common("Job work undertaken.") == "Job work undertaken."
