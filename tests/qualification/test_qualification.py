"""PPAP / first article qualification after an award, the approved-supplier list, and 8D."""

import io
from datetime import timedelta

from sqlmodel import select

from suppliermatch.audit.models import AuditEvent
from suppliermatch.dates import today_in_india
from tests.certification.documents import certificate_pdf

TODAY = today_in_india()


def _pdf() -> dict:
    return {"file": (io.BytesIO(certificate_pdf(["Control plan rev B"])), "plan.pdf")}


def _open(anchor, award, **template):
    body = {"name": "New part PPAP", "kind": "ppap", "ppap_level": 1, **template}
    made = anchor.post("/api/qualification-templates", json=body)
    assert made.status_code == 201, made.get_json()
    opened = anchor.post(
        f"/api/awards/{award.id}/qualifications",
        json={"template_id": made.get_json()["id"], "part": "Graphite boat GB-200"},
    )
    assert opened.status_code == 201, opened.get_json()
    return opened.get_json()


def test_a_template_takes_its_level_elements_or_the_fai_forms(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    level_2 = anchor.post(
        "/api/qualification-templates", json={"name": "L2", "kind": "ppap", "ppap_level": 2}
    ).get_json()
    assert "psw" in level_2["elements"] and "dimensional_results" in level_2["elements"]
    fai = anchor.post("/api/qualification-templates", json={"name": "FAI", "kind": "fai"})
    assert fai.get_json()["elements"] == ["as9102_form_1", "as9102_form_2", "as9102_form_3"]
    no_level = anchor.post("/api/qualification-templates", json={"name": "X", "kind": "ppap"})
    assert no_level.status_code == 422 and "ppap_level" in no_level.get_json()["errors"]


def test_upload_review_submit_and_approve_puts_the_supplier_on_the_list(
    session, make_client, cast, award
):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    opened = _open(anchor, award)
    [element] = opened["elements"]
    assert (element["code"], element["state"]) == ("psw", "requested")
    qid = opened["qualification"]["id"]
    # A web page renamed .pdf is refused by its content.
    fake = {"file": (io.BytesIO(b"<html>not a pdf</html>"), "psw.pdf")}
    refused = supplier.post(f"/api/qualification-elements/{element['id']}/file", data=fake)
    assert refused.status_code == 422 and "file" in refused.get_json()["errors"]
    early = supplier.post(f"/api/qualifications/{qid}/submission")
    assert early.status_code == 422
    uploaded = supplier.post(f"/api/qualification-elements/{element['id']}/file", data=_pdf())
    assert uploaded.status_code == 200, uploaded.get_json()
    assert supplier.post(f"/api/qualifications/{qid}/submission").status_code == 200
    returned = anchor.post(
        f"/api/qualification-elements/{element['id']}/review",
        json={"accept": False, "reason": "Warrant unsigned"},
    ).get_json()
    assert returned["qualification"]["state"] == "open"
    assert returned["elements"][0]["return_reason"] == "Warrant unsigned"
    supplier.post(f"/api/qualification-elements/{element['id']}/file", data=_pdf())
    supplier.post(f"/api/qualifications/{qid}/submission")
    anchor.post(f"/api/qualification-elements/{element['id']}/review", json={"accept": True})
    valid = (TODAY + timedelta(days=365)).isoformat()
    decided = anchor.post(
        f"/api/qualifications/{qid}/decision", json={"decision": "approved", "valid_until": valid}
    )
    assert decided.get_json()["qualification"]["state"] == "approved"
    [listed] = anchor.get("/api/approved-suppliers").get_json()
    assert (listed["supplier_id"], listed["valid_until"]) == (cast["supplier_a"].id, valid)
    moves = session.exec(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "qualification", AuditEvent.entity_id == qid
        )
    ).all()
    assert {"qualification_opened", "qualification_submitted", "element_returned",
            "qualification_reopened", "qualification_approved"} <= set(moves)  # fmt: skip
    download = anchor.get(f"/api/qualification-elements/{element['id']}/file")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    download.close()


def test_nobody_else_learns_of_the_qualification(make_client, cast, award):
    opened = _open(make_client(cast["anchor_x"]), award)
    qid = opened["qualification"]["id"]
    for role in ("msme_b", "anchor_y"):
        assert make_client(cast[role]).get(f"/api/qualifications/{qid}").status_code == 404
    assert make_client(cast["coordinator_1"]).get(f"/api/qualifications/{qid}").status_code == 403
    assert make_client(cast["anchor_y"]).get("/api/approved-suppliers").get_json() == []


def test_a_rejection_needs_a_reason_and_keeps_the_supplier_off_the_list(make_client, cast, award):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    opened = _open(anchor, award)
    qid, element = opened["qualification"]["id"], opened["elements"][0]
    supplier.post(f"/api/qualification-elements/{element['id']}/file", data=_pdf())
    supplier.post(f"/api/qualifications/{qid}/submission")
    bare = anchor.post(f"/api/qualifications/{qid}/decision", json={"decision": "rejected"})
    assert bare.status_code == 422 and "note" in bare.get_json()["errors"]
    anchor.post(
        f"/api/qualifications/{qid}/decision",
        json={"decision": "rejected", "note": "Flatness out of tolerance"},
    )
    assert anchor.get("/api/approved-suppliers").get_json() == []


def test_an_8d_needs_containment_and_root_cause_approved_before_closing(make_client, cast, award):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    opened = _open(anchor, award)
    qid, element = opened["qualification"]["id"], opened["elements"][0]
    supplier.post(f"/api/qualification-elements/{element['id']}/file", data=_pdf())
    supplier.post(f"/api/qualifications/{qid}/submission")
    anchor.post(
        f"/api/qualifications/{qid}/decision",
        json={"decision": "interim", "valid_until": (TODAY + timedelta(days=90)).isoformat(),
              "note": "Ship 3 lots while the MSA is redone"},
    )  # fmt: skip
    action = anchor.post(
        f"/api/qualifications/{qid}/corrective-actions",
        json={"lot_reference": "LOT-0917", "rejected_on": TODAY.isoformat(),
              "problem": "Cracked boats in lot 0917"},
    ).get_json()  # fmt: skip
    url = f"/api/corrective-actions/{action['id']}"
    too_early = anchor.post(url + "/approval", json={"step": "containment"})
    assert too_early.status_code == 409
    texts = {d: f"{d} written" for d in ("d1", "d3", "d4", "d5", "d6", "d7", "d8")}
    assert supplier.patch(url, json={"disciplines": texts}).status_code == 200
    assert anchor.post(url + "/approval", json={"step": "close"}).status_code == 409
    anchor.post(url + "/approval", json={"step": "containment"})
    anchor.post(url + "/approval", json={"step": "root_cause"})
    locked = supplier.patch(url, json={"disciplines": {"d3": "changed"}})
    assert locked.status_code == 409
    closed = anchor.post(url + "/approval", json={"step": "close"}).get_json()
    assert closed["state"] == "closed"
    detail = supplier.get(f"/api/qualifications/{qid}").get_json()
    assert detail["corrective_actions"][0]["disciplines"]["d2"] == "Cracked boats in lot 0917"


def test_the_approval_reads_as_a_matching_note_and_the_filter_keeps_only_approved(
    session, make_client, cast, award, rfq
):
    from suppliermatch.qualification.models import Qualification
    from suppliermatch.qualification.service import approvals_text
    from suppliermatch.suppliers.profiles import service as suppliers

    # Both suppliers rankable for the requirement, so that the filter has one to leave out.
    for supplier in (cast["supplier_a"], cast["supplier_b"]):
        suppliers.add_child(
            session,
            suppliers.SYSTEM_ACTOR,
            suppliers.CAPABILITIES,
            supplier.id,
            values={
                "category": "furnace_parts",
                "description": "Graphite boats and trays",
                "capacity_per_month": 1000,
            },
        )
    anchor = make_client(cast["anchor_x"])
    opened = _open(anchor, award)
    qualification = session.get(Qualification, opened["qualification"]["id"])
    qualification.state, qualification.valid_until = "approved", TODAY + timedelta(days=30)
    qualification.category = "furnace_parts"
    session.commit()
    anchor_id = cast["anchor_x"].organisation_id
    ids = [cast["supplier_a"].id, cast["supplier_b"].id]
    # The category by its name, as the ranking page shows it.
    approved = "approved by this anchor for Graphite boat GB-200 (Furnace & thermal parts)"
    assert approvals_text(session, anchor_id=anchor_id, supplier_ids=ids) == {
        cast["supplier_a"].id: approved
    }
    other = cast["anchor_y"].organisation_id
    assert approvals_text(session, anchor_id=other, supplier_ids=ids) == {}
    found = anchor.get(f"/api/requirements/{rfq.id}/matches?approved_only=true")
    assert found.status_code == 200
    assert {i["supplier_id"] for i in found.get_json()["items"]} == {cast["supplier_a"].id}
    everyone = anchor.get(f"/api/requirements/{rfq.id}/matches").get_json()["items"]
    assert cast["supplier_b"].id in {i["supplier_id"] for i in everyone}
    qualification.valid_until = TODAY - timedelta(days=1)  # lapsed: off the list
    session.commit()
    assert approvals_text(session, anchor_id=anchor_id, supplier_ids=ids) == {}
