"""The languages of the clusters: which language a request gets, the switcher, money and
dates with Indian conventions, messages to others in their language, Indic text searched."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from suppliermatch.accounts.models import User
from suppliermatch.errors import Conflict
from suppliermatch.formats import inr, inr_in_words, number, when
from suppliermatch.i18n import LANGUAGE_COOKIE, in_language, translated, word
from suppliermatch.notifications.models import Notification
from suppliermatch.notifications.service import enqueue
from suppliermatch.translatable import N_, marked
from tests import factories
from tests.pages import page_text


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_english_when_nobody_chose_and_the_browser_asks_for_nothing(client):
    page = client.get("/login")
    assert _lang(page) == "en"
    assert "Sign in" in page_text(page)


def test_the_browser_accept_language_is_used_when_nothing_is_saved(client):
    page = client.get("/login", headers={"Accept-Language": "te-IN,te;q=0.9,en;q=0.5"})
    assert _lang(page) == "te"
    assert "సైన్-ఇన్" in page_text(page)


def test_the_switcher_is_on_every_page_and_its_cookie_beats_the_browser(client):
    home = client.get("/")
    for code, name in (("hi", "हिन्दी"), ("or", "ଓଡ଼ିଆ"), ("te", "తెలుగు"), ("ta", "தமிழ்")):
        assert f'value="{code}"' in home.get_data(as_text=True) and name in page_text(home)
    chosen = client.post("/language", data={"language": "or", "next": "/login"})
    assert chosen.status_code == 303 and chosen.headers["Location"].endswith("/login")
    page = client.get("/login", headers={"Accept-Language": "ta"})
    assert _lang(page) == "or" and "ସାଇନ-ଇନ" in page_text(page)


def test_an_unknown_language_changes_nothing(client):
    client.post("/language", data={"language": "xx", "next": "/"})
    assert client.get_cookie(LANGUAGE_COOKIE) is None
    assert _lang(client.get("/login")) == "en"


def test_a_signed_in_users_choice_is_saved_and_wins_over_cookie_and_browser(
    make_client, session, world
):
    user = world["msme_a"]
    client = make_client(user)
    client.post("/language", data={"language": "hi", "next": "/"})
    session.expire_all()
    assert session.get(User, user.id).locale == "hi"
    # Another browser of the same user, asking for Tamil with a Telugu cookie: Hindi.
    other = make_client(user)
    other.set_cookie(LANGUAGE_COOKIE, "te")
    page = other.get("/", headers={"Accept-Language": "ta"})
    assert _lang(page) == "hi"
    assert "आपका प्रारंभ पृष्ठ" in page_text(page)


def test_money_numbers_and_dates_follow_indian_conventions_in_every_language(app):
    moment = datetime(2026, 12, 3, 17, 40, tzinfo=UTC)  # 23:10 in India
    with app.test_request_context("/"):
        assert inr(118000) == "₹1,18,000.00"
        assert inr(12345678.5) == "₹1,23,45,678.50"
        assert number(1200000) == "12,00,000"
        assert inr_in_words(25_000_000) == "₹2.50 crore"
        assert inr_in_words(4_000_000) == "₹40.00 lakh"
        assert when(date(2025, 6, 4)) == "04 Jun 2025"
        assert when(moment) == "03 Dec 2026, 23:10 IST"
        # CLDR groups Odia and Tamil amounts in thousands: the rupee keeps lakh grouping.
        for language in ("hi", "or", "te", "ta"):
            with in_language(language):
                assert inr(118000) == "₹1,18,000.00"
        with in_language("hi"):
            assert when(date(2025, 6, 4)) == "04 जून 2025"
            assert inr_in_words(25_000_000) == "₹2.50 करोड़"
        with in_language("or"):
            assert when(date(2025, 6, 4)) == "04 ଜୁନ 2025"
        with in_language("ta"):
            assert inr_in_words(4_000_000) == "₹40.00 லட்சம்"


def test_a_notification_is_written_in_each_recipients_language(app, session, world):
    from suppliermatch.i18n import gettext

    hindi, english = world["msme_a"], world["msme_b"]
    hindi.locale = "hi"
    session.commit()
    with app.test_request_context("/"):
        enqueue(
            session,
            user_ids=[hindi.id, english.id],
            kind="awarded",
            subject=lambda: gettext("Awarded"),
            body=lambda: gettext(
                'Your quote for "%(title)s" was accepted.', title="Graphite boats"
            ),
        )
    session.commit()
    rows = {
        n.user_id: n
        for n in session.exec(
            select(Notification).where(Notification.user_id.in_([hindi.id, english.id]))
        )
    }
    assert rows[hindi.id].subject == "ऑर्डर मिला"
    assert rows[hindi.id].body == '"Graphite boats" के लिए आपका कोटेशन स्वीकार हुआ।'
    assert rows[english.id].subject == "Awarded"


def test_an_invitation_to_quote_reaches_an_odia_msme_in_odia(app, session, world):
    from suppliermatch.requirements import notify
    from suppliermatch.requirements.models import Invitation

    user = world["msme_a"]
    user.locale = "or"
    supplier = factories.supplier_profile_for(session, user)
    requirement = factories.make_requirement(session, anchor_user=world["anchor_x"])
    invitation = Invitation(
        requirement_id=requirement.id,
        supplier_id=supplier.id,
        invited_by_id=world["anchor_x"].id,
        status="invited",
    )
    session.add(invitation)
    session.flush()
    with app.test_request_context("/"):
        notify.invited(session, requirement, [invitation])
    session.commit()
    note = session.exec(select(Notification).where(Notification.user_id == user.id)).one()
    assert note.subject.startswith("କୋଟେସନ ପାଇଁ ନିମନ୍ତ୍ରଣ: ")
    assert "କୋଟେସନ ଦେବାକୁ ଆପଣଙ୍କୁ ନିମନ୍ତ୍ରଣ" in note.body


def test_api_errors_stay_english_by_default_and_follow_the_chosen_language(client):
    english = client.get("/api/suppliers/999999")
    assert english.status_code in (401, 404)
    assert english.get_json()["message"].isascii()
    body = {"email": "x@example.test"}
    refused = client.post("/api/auth/login", json=body, headers={"Accept-Language": "hi"})
    assert refused.status_code == 422
    assert refused.get_json()["message"].startswith("अनुरोध के ये फ़ील्ड सही नहीं हैं")
    assert refused.get_json()["errors"]["password"] == ["यह फ़ील्ड ज़रूरी है।"]


def test_a_service_error_with_values_reads_in_english_and_in_the_readers_language(app):
    """A refusal names its values (N_ with placeholders): English as before, and in Hindi
    the catalogue's sentence with the same values, the state word translated too."""
    error = Conflict(
        N_(
            "This requirement is %(status)s: quotes are no longer accepted or changed.",
            status=marked("closed"),
        )
    )
    assert error.message == "This requirement is closed: quotes are no longer accepted or changed."
    with app.test_request_context("/", headers={"Accept-Language": "hi"}):
        shown = translated(error.message)
        assert shown != error.message and word("closed") in shown
        assert translated(N_("Line item %(item)s is priced twice.", item=7)).startswith("लाइन")
        assert word("in_preparation") == translated("in preparation") != "in preparation"
        assert word("CNC turning and milling") == "CNC टर्निंग और मिलिंग"


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("सीएनसी मशीनिंग और ग्राइंडिंग, ग्रेफ़ाइट फिक्स्चर", "ग्राइंडिंग"),
        ("ଯନ୍ତ୍ର ମେସିନିଂ ଓ ନିକେଲ ପ୍ଲେଟିଂ", "ପ୍ଲେଟିଂ"),
        ("సీఎన్‌సీ మెషినింగ్ మరియు గ్రైండింగ్", "గ్రైండింగ్"),
        ("சிஎன்சி இயந்திர வேலை, அரைத்தல்", "அரைத்தல்"),
    ],
)
def test_a_capability_written_in_an_indic_script_is_found_by_its_words(
    make_client, session, world, text, query
):
    name = factories.unique("श्री गणेश इंजीनियरिंग ")
    factories.make_supplier(
        session,
        cluster=world["cluster_1"],
        legal_name=name,
        capabilities=[{"category": "cnc_machining", "description": text}],
    )
    session.commit()
    client = make_client(world["coordinator_1"])
    found = client.get("/api/suppliers", query_string={"q": query})
    assert found.status_code == 200
    assert name in [row["legal_name"] for row in found.get_json()]
    # The name in Devanagari is stored and shown as written.
    page = client.get("/suppliers", query_string={"q": query})
    assert name in page.get_data(as_text=True)


def test_a_common_password_is_refused_with_zxcvbns_warning_in_the_readers_language(client):
    body = {
        "account_type": "msme",
        "organisation_name": "Rushikulya Forgings",
        "full_name": "S. Behera",
        "email": "forge@example.test",
        "password": "password1",
    }
    english = client.post("/api/auth/signup", json=body)
    odia = client.post("/api/auth/signup", json=body, headers={"Accept-Language": "or"})

    assert english.status_code == odia.status_code == 422
    (said,) = english.get_json()["errors"]["password"]
    assert said.startswith("This is a very common password.")
    (read,) = odia.get_json()["errors"]["password"]
    assert read.startswith("ଏହା ଅତି ସାଧାରଣ ପାସୱାର୍ଡ।")


def test_a_finished_scan_is_announced_in_hindi(session, world, make_client):
    from suppliermatch.jobs import service as jobs

    coordinator = world["coordinator_1"]
    job = jobs.create_job(session, None, jobs.DEDUP_SCAN, params={}, cluster_id=None)
    job.state = jobs.DONE
    job.started_by_id = coordinator.id
    job.result = {"suppliers": 12, "pairs": 2, "new": 1, "seconds": 0.1, "summary": "(English)"}
    session.commit()

    client = make_client(coordinator)
    shown = client.get(
        f"/jobs/{job.id}", headers={"Accept-Language": "hi"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "डुप्लिकेट जाँच पूरा: 12 सप्लायर जाँचे: 2 संभावित डुप्लिकेट जोड़े, 1 नए।" in shown
    assert "(English)" not in shown


def test_the_navigation_reads_in_the_readers_language(make_client, world):
    msme = make_client(world["msme_a"])
    page = msme.get("/notifications", headers={"Accept-Language": "or"}).get_data(as_text=True)
    nav = page[page.index("<nav") : page.index("</nav>")]
    for label in ("ମୋ ପ୍ରୋଫାଇଲ", "ପ୍ରମାଣପତ୍ର", "ଆବଶ୍ୟକତା", "ନିର୍ଦ୍ଦେଶିକା", "ସୂଚନା"):
        assert label in nav
    assert "My profile" not in nav

    coordinator = make_client(world["coordinator_1"])
    page = coordinator.get("/notifications", headers={"Accept-Language": "hi"}).get_data(
        as_text=True
    )
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert "डैशबोर्ड" in nav and "क्लस्टर रोडमैप" in nav and "Dashboard" not in nav


def test_the_readiness_page_reads_in_odia(make_client, world):
    from suppliermatch.certification.readiness import LEVEL_LABELS

    msme = make_client(world["msme_a"])
    page = msme.get("/readiness", headers={"Accept-Language": "or"}).get_data(as_text=True)
    heading = page[page.index("<h2>") : page.index("</h2>")]
    odia = {
        "ସମ୍ପୂର୍ଣ୍ଣ ପ୍ରମାଣିତ",
        "ପ୍ରାୟ ପ୍ରସ୍ତୁତ",
        "ଭଲ ଭାବେ ଆଗେଇଛି",
        "ଆରମ୍ଭ ହେଉଛି",
        "ପ୍ରଥମ ପଦକ୍ଷେପ",
        "ଆରମ୍ଭ ହୋଇନାହିଁ",
    }
    assert any(label in heading for label in odia), heading
    assert not any(english in heading for _, english in LEVEL_LABELS)
