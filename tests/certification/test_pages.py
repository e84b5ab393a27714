"""The certificate pages: what an MSME does with forms, and what it sees when refused."""

from datetime import date, timedelta

from sqlmodel import select

from suppliermatch.certification.models import SupplierCertificate
from tests.certification.builders import TODAY, make_record
from tests.pages import page_text


def test_msme_adds_a_plan_from_the_form_and_moves_it_forward(session, make_client, cast):
    client = make_client(cast["msme_a"])
    created = client.post(
        "/certificates",
        data={"code": "ISO14001", "state": "planned", "target_on": str(TODAY + timedelta(90))},
    )
    assert created.status_code == 302
    detail = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "ISO 14001 added." in detail and "planned" in detail

    record = session.exec(
        select(SupplierCertificate).where(SupplierCertificate.code == "ISO14001")
    ).one()
    moved = client.post(
        f"/certificates/{record.id}/transition",
        data={"to": "in_preparation", "version": str(record.version), "note": "Consultant hired"},
    )
    assert moved.status_code == 302
    page = client.get(moved.headers["Location"]).get_data(as_text=True)
    assert "Status updated." in page and "Consultant hired" in page


def test_the_form_shows_why_a_record_is_refused(make_client, cast):
    response = make_client(cast["msme_a"]).post(
        "/certificates",
        data={"code": "ISO9001", "state": "certified", "certificate_number": "Q-7"},
    )
    assert response.status_code == 422
    assert "needs its issuing body" in response.get_data(as_text=True)


def test_an_illegal_move_from_the_page_answers_409_with_the_reason(session, make_client, cast):
    record = make_record(session, cast["supplier_a"], state="withdrawn")
    session.commit()
    response = make_client(cast["msme_a"]).post(
        f"/certificates/{record.id}/transition",
        data={"to": "planned", "version": str(record.version)},
    )
    assert response.status_code == 409
    assert "is final" in response.get_data(as_text=True)


def test_renewal_and_edit_from_the_page(session, make_client, cast):
    record = make_record(session, cast["supplier_a"], expires_on=TODAY + timedelta(days=10))
    session.commit()
    client = make_client(cast["msme_a"])
    edited = client.post(
        f"/certificates/{record.id}/edit",
        data={"version": str(record.version), "scope": "Magnetic testing, Unit 2"},
    )
    assert edited.status_code == 302
    renewed = client.post(
        f"/certificates/{record.id}/renew",
        data={
            "version": str(record.version + 1),
            "certificate_number": "QMS-NEW-1",
            "issuing_body": "TUV India",
            "issued_on": str(TODAY),
            "expires_on": str(TODAY + timedelta(days=1095)),
        },
    )
    assert renewed.status_code == 302
    page = client.get(renewed.headers["Location"]).get_data(as_text=True)
    assert "Renewal recorded." in page and "Magnetic testing, Unit 2" in page
    listing = client.get("/certificates").get_data(as_text=True)
    assert "QMS-NEW-1" in listing and "History" in listing


def test_the_list_warns_of_certificates_close_to_expiry(session, make_client, cast):
    make_record(session, cast["supplier_a"], expires_on=TODAY + timedelta(days=25))
    session.commit()
    page = make_client(cast["msme_a"]).get("/certificates").get_data(as_text=True)
    assert "25 days left" in page


def test_a_quoted_anchor_sees_the_certificate_without_any_forms(session, make_client, cast):
    from tests.certification.builders import make_quote, make_requirement

    record = make_record(session, cast["supplier_a"])
    make_quote(session, make_requirement(session, cast["anchor_x"]), cast["supplier_a"])
    session.commit()
    page = make_client(cast["anchor_x"]).get(f"/certificates/{record.id}").get_data(as_text=True)
    assert record.certificate_number in page
    assert (
        "Update the status" not in page and '<form method="post" action="/certificates' not in page
    )


def test_an_expired_certificate_says_the_day_it_expired(session, make_client, cast):
    make_record(session, cast["supplier_a"], "ISO9001", "expired", expires_on=date(2025, 6, 14))
    session.commit()
    profile = make_client(cast["msme_a"]).get("/suppliers/me", follow_redirects=True)
    assert "ISO 9001 expired on 14 Jun 2025" in page_text(profile)


def test_the_status_control_preselects_no_move_and_asks_for_one(session, make_client, cast):
    record = make_record(session, cast["supplier_a"], "ISO9001", "certified")
    session.commit()
    client = make_client(cast["msme_a"])
    page = client.get(f"/certificates/{record.id}").get_data(as_text=True)
    control = page.split('<select id="f-to"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" disabled selected>Choose the new status</option>' in control
    assert "suspended" in control and 'value="suspended" selected' not in control

    refused = client.post(
        f"/certificates/{record.id}/transition", data={"version": str(record.version)}
    )
    assert refused.status_code == 422
    message = refused.get_data(as_text=True).split('id="f-to-msg"', 1)[1].split("</span>", 1)[0]
    assert "Choose the new status." in message
    session.refresh(record)
    assert record.state == "certified"
