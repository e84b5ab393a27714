"""The qualification pages as each party uses them: the anchor makes a template and opens a
qualification from its award, the supplier uploads and submits, the anchor accepts or
returns each document and decides; the history reads in words; the 8D on the same record;
the approved-supplier list, the start pages and the ranking page."""

import io
import re
from datetime import timedelta

from suppliermatch.dates import today_in_india
from suppliermatch.qualification import service
from suppliermatch.qualification.models import Qualification
from tests.certification.documents import certificate_pdf

TODAY = today_in_india()


def _pdf(name: str = "psw.pdf") -> dict:
    return {"file": (io.BytesIO(certificate_pdf(["Part submission warrant GB-200"])), name)}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _open_from_the_award(anchor, award, *, level: str = "1", part: str = "Graphite boat GB-200"):
    made = anchor.post(
        f"/qualification-templates?award_id={award.id}",
        data={"name": f"PPAP level {level}", "kind": "ppap", "ppap_level": level},
    )
    assert made.status_code == 302, _text(made)
    assert made.headers["Location"].endswith(f"/awards/{award.id}/qualifications")
    page = _text(anchor.get(f"/awards/{award.id}/qualifications"))
    template_id = re.search(r'name="template_id" value="(\d+)"', page).group(1)
    opened = anchor.post(
        f"/awards/{award.id}/qualifications",
        data={"template_id": template_id, "part": part, "category": "furnace_parts"},
    )
    assert opened.status_code == 302, _text(opened)
    return int(opened.headers["Location"].rsplit("/", 1)[1])


def _element_ids(session, qualification_id: int) -> list[int]:
    session.expire_all()
    return [e.id for e in service.elements_of(session, qualification_id)]


def test_the_award_links_to_qualifying_the_part_and_a_template_comes_first(
    make_client, cast, award, rfq
):
    anchor = make_client(cast["anchor_x"])
    requirement_page = _text(anchor.get(f"/requirements/{rfq.id}"))
    assert f"/awards/{award.id}/qualifications" in requirement_page
    first = _text(anchor.get(f"/awards/{award.id}/qualifications"))
    assert "You need a template first" in first
    assert f"/qualification-templates?award_id={award.id}" in first


def test_a_template_form_refuses_a_missing_name_in_words(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    refused = anchor.post("/qualification-templates", data={"kind": "ppap", "ppap_level": "3"})
    assert refused.status_code == 422
    assert "Missing data for required field." in _text(refused)
    fai = anchor.post("/qualification-templates", data={"name": "First article", "kind": "fai"})
    assert fai.status_code == 302
    assert "AS9102 Form 2: product accountability" in _text(anchor.get("/qualification-templates"))


def test_upload_return_submit_accept_and_approve_through_the_pages(
    session, make_client, cast, award
):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    qid = _open_from_the_award(anchor, award)
    [element] = _element_ids(session, qid)
    page = _text(supplier.get(f"/qualifications/{qid}"))
    assert "Part submission warrant" in page and "to upload" in page

    # A web page renamed .pdf is refused by its content, on the page, in words.
    fake = {"file": (io.BytesIO(b"<html>not a pdf</html>"), "psw.pdf")}
    refused = supplier.post(f"/qualification-elements/{element}/file", data=fake)
    assert refused.status_code == 422
    assert "Upload the element as a PDF, PNG or JPEG file" in _text(refused)

    uploaded = supplier.post(f"/qualification-elements/{element}/file", data=_pdf())
    assert uploaded.status_code == 302
    assert uploaded.headers["Location"].endswith(f"/qualifications/{qid}#element-{element}")
    assert "Submit for approval" in _text(supplier.get(f"/qualifications/{qid}"))
    assert supplier.post(f"/qualifications/{qid}/submission").status_code == 302

    no_reason = anchor.post(f"/qualification-elements/{element}/review", data={"accept": "false"})
    assert no_reason.status_code == 422
    assert "Say why the element is returned." in _text(no_reason)
    anchor.post(
        f"/qualification-elements/{element}/review",
        data={"accept": "false", "reason": "Warrant unsigned"},
    )
    back = _text(supplier.get(f"/qualifications/{qid}"))
    assert "Returned: Warrant unsigned" in back and "Upload again" in back

    supplier.post(f"/qualification-elements/{element}/file", data=_pdf("psw-signed.pdf"))
    supplier.post(f"/qualifications/{qid}/submission")
    anchor.post(f"/qualification-elements/{element}/review", data={"accept": "true"})
    valid = (TODAY + timedelta(days=365)).isoformat()
    decided = anchor.post(
        f"/qualifications/{qid}/decision", data={"decision": "approved", "valid_until": valid}
    )
    assert decided.status_code == 302
    session.expire_all()
    assert session.get(Qualification, qid).state == "approved"

    history = _text(supplier.get(f"/qualifications/{qid}"))
    for words in (
        "Opened the qualification",
        "Uploaded a document",
        "Submitted for approval",
        "Returned a document",
        "Part submission warrant: Warrant unsigned",
        "Sent back to the supplier",
        "Approved",
    ):
        assert words in history, words
    assert "element_uploaded" not in history and " IST" in history
    download = supplier.get(f"/qualification-elements/{element}/file")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()

    listed = _text(anchor.get("/approved-suppliers"))
    assert cast["supplier_a"].legal_name in listed and "Graphite boat GB-200" in listed
    assert "Furnace" in listed  # the category by its name, not its code


def test_a_decision_needs_a_submitted_qualification_and_a_reason_to_reject(
    session, make_client, cast, award
):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    qid = _open_from_the_award(anchor, award)
    early = anchor.post(f"/qualifications/{qid}/decision", data={"decision": "rejected"})
    assert early.status_code == 409
    assert "Only a submitted qualification is decided" in _text(early)
    [element] = _element_ids(session, qid)
    supplier.post(f"/qualification-elements/{element}/file", data=_pdf())
    supplier.post(f"/qualifications/{qid}/submission")
    bare = anchor.post(f"/qualifications/{qid}/decision", data={"decision": "rejected"})
    assert bare.status_code == 422 and "Note: Say why." in _text(bare)
    not_accepted = anchor.post(
        f"/qualifications/{qid}/decision",
        data={"decision": "approved", "valid_until": (TODAY + timedelta(days=30)).isoformat()},
    )
    assert not_accepted.status_code == 409
    assert "Accept every element before approving" in _text(not_accepted)


def test_the_8d_runs_on_the_record_from_the_pages(session, make_client, cast, award):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    qid = _open_from_the_award(anchor, award)
    [element] = _element_ids(session, qid)
    supplier.post(f"/qualification-elements/{element}/file", data=_pdf())
    supplier.post(f"/qualifications/{qid}/submission")
    anchor.post(f"/qualification-elements/{element}/review", data={"accept": "true"})
    anchor.post(
        f"/qualifications/{qid}/decision",
        data={"decision": "approved", "valid_until": (TODAY + timedelta(days=90)).isoformat()},
    )
    opened = anchor.post(
        f"/qualifications/{qid}/corrective-actions",
        data={"lot_reference": "LOT-0917", "rejected_on": TODAY.isoformat(),
              "problem": "Cracked boats in lot 0917"},
    )  # fmt: skip
    assert opened.status_code == 302
    action_id = int(opened.headers["Location"].rsplit("#action-", 1)[1])
    page = _text(supplier.get(f"/qualifications/{qid}"))
    assert "Cracked boats in lot 0917" in page and "D8 Team recognised, closure" in page

    nothing = supplier.post(f"/corrective-actions/{action_id}/disciplines", data={})
    assert nothing.status_code == 422 and "Nothing changed" in _text(nothing)
    written = {f"d{n}": f"D{n} written by the supplier" for n in (1, 3, 4, 5, 6, 7, 8)}
    saved = supplier.post(f"/corrective-actions/{action_id}/disciplines", data=written)
    assert saved.status_code == 302
    early_close = anchor.post(f"/corrective-actions/{action_id}/approval", data={"step": "close"})
    assert early_close.status_code == 409
    for step in ("containment", "root_cause", "close"):
        done = anchor.post(f"/corrective-actions/{action_id}/approval", data={"step": step})
        assert done.status_code == 302, (step, _text(done))
    closed = _text(anchor.get(f"/qualifications/{qid}"))
    assert "Approved the containment (D3)" in closed and "Closed the 8D" in closed
    assert "Wrote 8D disciplines" in closed and "D1, D3, D4" in closed


def test_the_start_pages_show_what_waits_on_each_side(session, make_client, cast, award):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    qid = _open_from_the_award(anchor, award, part="Graphite tray GT-40")
    msme_start = _text(supplier.get("/"))
    assert "Part qualifications waiting for your documents" in msme_start
    assert "Graphite tray GT-40" in msme_start
    [element] = _element_ids(session, qid)
    supplier.post(f"/qualification-elements/{element}/file", data=_pdf())
    supplier.post(f"/qualifications/{qid}/submission")
    anchor_start = _text(anchor.get("/"))
    assert "Part qualifications to review" in anchor_start
    assert "Graphite tray GT-40" in anchor_start and cast["supplier_a"].legal_name in anchor_start
    assert "Graphite tray GT-40" not in _text(supplier.get("/"))


def test_the_lists_show_each_side_its_own(make_client, cast, award):
    anchor = make_client(cast["anchor_x"])
    _open_from_the_award(anchor, award)
    assert "Graphite boat GB-200" in _text(anchor.get("/qualifications"))
    assert "Graphite boat GB-200" in _text(make_client(cast["msme_a"]).get("/qualifications"))
    assert "Graphite boat GB-200" not in _text(make_client(cast["msme_b"]).get("/qualifications"))
    assert "Graphite boat GB-200" not in _text(make_client(cast["anchor_y"]).get("/qualifications"))


def test_the_ranking_page_marks_approved_suppliers_and_filters_to_them(
    session, make_client, cast, award, rfq
):
    from suppliermatch.suppliers.profiles import service as suppliers

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
    qid = _open_from_the_award(anchor, award)
    qualification = session.get(Qualification, qid)
    qualification.state, qualification.valid_until = "approved", TODAY + timedelta(days=30)
    session.commit()
    ranked = _text(anchor.get(f"/requirements/{rfq.id}/matches"))
    assert (
        "Approved by this anchor for Graphite boat GB-200 (Furnace &amp; thermal parts)" in ranked
    )
    assert cast["supplier_b"].legal_name in ranked
    only = _text(anchor.get(f"/requirements/{rfq.id}/matches?approved_only=1"))
    assert "Showing only suppliers on your approved-supplier list" in only
    assert cast["supplier_a"].legal_name in only
    assert cast["supplier_b"].legal_name not in only
