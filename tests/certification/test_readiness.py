"""Readiness: the tracks that matter for a supplier, its steps with dates, one level used by
matching, and a checklist of next steps."""

from datetime import timedelta

from suppliermatch.certification.readiness import (
    STEP_CREDIT,
    default_tracks,
    readiness_levels,
    supplier_readiness,
)
from tests.certification.builders import TODAY, make_record, supplier_of
from tests.pages import page_text


def _track(readiness, slug):
    return next(t for t in readiness.tracks if t.slug == slug)


def _steps(track):
    return {s.code: s for s in track.steps}


def test_tracks_follow_the_suppliers_categories(session, cast):
    plater = supplier_of(session, cast["msme_a"], categories=["coatings"])
    readiness = supplier_readiness(session, plater.id, today=TODAY)
    slugs = [t.slug for t in readiness.tracks]
    assert slugs == ["msme_maturity", "automotive", "plating_recycling"]
    plating = _steps(_track(readiness, "plating_recycling"))
    # E-waste authorisation is for recyclers, not platers.
    assert set(plating) == {"PCB_CTO", "ISO14001"}


def test_an_optional_track_appears_once_the_supplier_plans_one_of_its_certificates(session, cast):
    machinist = supplier_of(session, cast["msme_a"], categories=["cnc_machining"])
    before = [t.slug for t in supplier_readiness(session, machinist.id, today=TODAY).tracks]
    assert "aerospace_defence" not in before
    make_record(session, machinist, code="AS9100", state="planned")
    after = supplier_readiness(session, machinist.id, today=TODAY)
    aerospace = _steps(_track(after, "aerospace_defence"))
    assert set(aerospace) == {"ISO9001", "AS9100"}  # Nadcap only for special processes
    assert aerospace["AS9100"].status == "in_progress"


def test_steps_show_done_in_progress_lapsed_and_pending_with_dates(session, cast):
    plater = supplier_of(session, cast["msme_a"], categories=["coatings"])
    consent = make_record(session, plater, code="PCB_CTO")
    make_record(
        session, plater, code="ISO14001", state="audit_scheduled", audit_on=TODAY + timedelta(9)
    )
    make_record(session, plater, code="ISO9001", state="expired", expires_on=TODAY - timedelta(3))
    readiness = supplier_readiness(session, plater.id, today=TODAY)

    plating = _steps(_track(readiness, "plating_recycling"))
    assert plating["PCB_CTO"].status == "done"
    assert plating["PCB_CTO"].expires_on == consent.expires_on
    assert plating["ISO14001"].status == "in_progress"
    assert plating["ISO14001"].audit_on == TODAY + timedelta(9)
    automotive = _steps(_track(readiness, "automotive"))
    assert automotive["ISO9001"].status == "lapsed"
    assert "expired" in automotive["ISO9001"].lapse
    assert automotive["IATF16949"].status == "pending"


def test_the_level_grows_as_a_step_moves_forward_and_reaches_one_when_all_is_held(session, cast):
    lab = cast["supplier_a"]  # testing: the ZED and test-lab tracks
    levels = [supplier_readiness(session, lab.id, today=TODAY).level]
    record = make_record(session, lab, code="NABL17025", state="planned")
    for state in ("in_preparation", "applied", "audit_scheduled", "certified"):
        record.state = state
        if state == "certified":
            record.issued_on, record.expires_on = TODAY, TODAY + timedelta(days=700)
        session.add(record)
        session.flush()
        levels.append(supplier_readiness(session, lab.id, today=TODAY).level)
    assert levels == sorted(levels) and len(set(levels)) == len(levels)

    make_record(session, lab, code="ZED_GOLD")
    full = supplier_readiness(session, lab.id, today=TODAY)
    assert full.level == 1.0 and full.label == "Fully certified"


def test_a_higher_zed_level_completes_the_lower_steps(session, cast):
    make_record(session, cast["supplier_a"], code="ZED_SILVER")
    zed = _steps(
        _track(supplier_readiness(session, cast["supplier_a"].id, today=TODAY), "msme_maturity")
    )
    assert [zed[c].status for c in ("ZED_BRONZE", "ZED_SILVER", "ZED_GOLD")] == [
        "done",
        "done",
        "pending",
    ]


def test_in_progress_credit_matches_the_documented_share(session, cast):
    make_record(session, cast["supplier_a"], code="NABL17025", state="applied")
    track = _track(supplier_readiness(session, cast["supplier_a"].id, today=TODAY), "test_lab")
    assert track.fraction == STEP_CREDIT["applied"]


def test_next_steps_put_renewals_first_then_work_under_way_then_the_next_new_step(session, cast):
    machinist = supplier_of(session, cast["msme_a"], categories=["cnc_machining"])
    make_record(session, machinist, code="ISO9001", expires_on=TODAY + timedelta(days=40))
    make_record(
        session, machinist, code="ZED_BRONZE", state="applied", target_on=TODAY + timedelta(60)
    )
    steps = supplier_readiness(session, machinist.id, today=TODAY).next_steps
    texts = [s.text for s in steps]
    assert texts[0].startswith("Renew ISO 9001") and steps[0].urgent
    assert any("Book the ZED Bronze audit" in t for t in texts)
    assert any(t.startswith("Plan IATF 16949") for t in texts)
    # ZED Silver waits for Bronze; it is not suggested yet.
    assert not any("ZED Silver" in t for t in texts)


def test_a_held_certificate_without_evidence_asks_for_an_upload(session, cast):
    make_record(session, cast["supplier_a"], code="NABL17025")
    texts = [
        s.text for s in supplier_readiness(session, cast["supplier_a"].id, today=TODAY).next_steps
    ]
    assert any("Upload your NABL ISO/IEC 17025 certificate" in t for t in texts)


def test_levels_for_many_suppliers_agree_with_the_single_supplier_answer(session, cast):
    make_record(session, cast["supplier_a"], code="NABL17025")
    make_record(session, cast["supplier_b"], code="ZED_BRONZE", state="in_preparation")
    ids = [cast["supplier_a"].id, cast["supplier_b"].id]
    levels = readiness_levels(session, ids, today=TODAY)
    for supplier_id in ids:
        assert levels[supplier_id] == supplier_readiness(session, supplier_id, today=TODAY).level


def test_every_track_step_names_a_catalogue_certificate():
    tracks = default_tracks()
    assert {t.slug for t in tracks} >= {
        "automotive",
        "aerospace_defence",
        "test_lab",
        "plating_recycling",
        "msme_maturity",
    }


def test_the_readiness_page_shows_level_checklist_and_tracks(session, make_client, cast):
    make_record(session, cast["supplier_a"], code="NABL17025")
    session.commit()
    page = make_client(cast["msme_a"]).get("/readiness").get_data(as_text=True)
    readiness = supplier_readiness(session, cast["supplier_a"].id)
    assert f"{readiness.percent}%" in page and readiness.label in page
    assert "Next steps" in page and "Test and calibration laboratory" in page
    assert "<svg" in page and "<script" not in page.split("<body>", 1)[1]


def test_the_readiness_api_gives_the_level_used_by_matching(session, make_client, cast):
    make_record(session, cast["supplier_a"], code="ZED_BRONZE")
    session.commit()
    body = (
        make_client(cast["coordinator_1"])
        .get(f"/api/readiness/suppliers/{cast['supplier_a'].id}")
        .get_json()
    )
    assert 0 < body["level"] < 1
    assert body["tracks"][0]["steps"][0] == {
        **body["tracks"][0]["steps"][0],
        "code": "ZED_BRONZE",
        "status": "done",
    }


def test_one_certificate_completing_several_steps_is_one_checklist_item(session, cast):
    make_record(session, cast["supplier_a"], code="ZED_GOLD")
    steps = supplier_readiness(session, cast["supplier_a"].id, today=TODAY).next_steps
    assert sum("ZED" in s.text for s in steps) == 1


def test_a_zed_gold_holder_is_never_asked_for_a_lower_level(session, make_client, cast):
    make_record(session, cast["supplier_a"], code="ZED_GOLD")
    session.commit()
    steps = [s.text for s in supplier_readiness(session, cast["supplier_a"].id).next_steps]
    assert "Upload your ZED Gold certificate so the cluster coordinator can verify it." in steps
    assert not any("Bronze" in text or "Silver" in text for text in steps)

    page = page_text(make_client(cast["msme_a"]).get("/readiness"))
    assert "ZED Bronze : met by your ZED Gold, valid until" in page
    assert "ZED Silver : met by your ZED Gold" in page
    assert "ZED Gold : held since" in page
