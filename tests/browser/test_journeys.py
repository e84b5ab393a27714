"""The three journeys of issue 7 in a real browser, against the live demo server.

1. An MSME signs up, fills its profile with a capability, adds a certificate with a PDF,
   and sees a matching requirement.
2. An anchor posts a requirement, sees the ranked suppliers with reasons, invites two, and
   after their quotes (each supplier signs in and quotes) closes bidding and awards one.
3. A coordinator verifies the certificate of journey 1, opens the match report and the
   dashboard, and downloads the coverage CSV.

Every page a journey shows is checked at 1280 px and at 390 px (no sideways scrolling) and
the last one is saved under test-artifacts/.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from suppliermatch.dates import INDIA_TIME, today_in_india
from tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in
from tests.certification.documents import certificate_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (1280, 390)
# Demo data the journeys lean on (seeds/demo): Ganjam's open requirement for graphite
# fixtures, and two Tumakuru recyclers with logins and pollution-board consent.
GANJAM = "ganjam"
GANJAM_COORDINATOR = "coordinator.ganjam@demo.suppliermatch.in"
GRAPHITE_RFQ = "Isostatic graphite sintering boats and trays"
TUMAKURU_BUYER = "buyer@tunga-magnets.demo.in"
RECYCLERS = {
    "Malnad Recyclers Private Limited": "owner@malnad-recyclers.demo.in",
    "Vijaya E-Waste Solutions & Co": "owner@vijaya-e-waste-solutions.demo.in",
}


class Visited:
    """The pages a journey went through, each checked at both widths when it was shown."""

    def __init__(self, page):
        self.page = page
        self.paths: list[str] = []

    def check(self) -> None:
        """The page as shown now fits 1280 px and 390 px without sideways scrolling."""
        path = self.page.url
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            try:
                assert_no_horizontal_scroll(self.page)
            except AssertionError as error:
                raise AssertionError(f"{path} at {width} px: {error}") from None
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        self.paths.append(path)

    def goto(self, path: str) -> None:
        response = self.page.goto(path)
        assert response.ok, f"{path}: HTTP {response.status}"
        self.check()

    def submit(self, button) -> None:
        """Click a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            button.click()
        self.check()


def flash_text(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


# ---------------------------------------------------------------- journey 1


@dataclass
class Msme:
    email: str
    password: str
    enterprise: str
    certificate_path: str = ""
    pages: list[str] = field(default_factory=list)


def sign_up_msme(context, tmp_dir: Path) -> Msme:
    """The MSME's part of journey 1, up to its certificate with evidence."""
    tag = uuid.uuid4().hex[:6]
    msme = Msme(
        email=f"owner-{tag}@berhampur-graphite.example.in",
        password="graphite boats for sintering 2026",
        enterprise=f"Berhampur Graphite Works {tag.upper()}",
    )
    page = context.new_page()
    visit = Visited(page)

    visit.goto("/signup")
    page.select_option("#f-account_type", "msme")
    page.fill("#f-organisation_name", msme.enterprise)
    page.select_option("#f-cluster", GANJAM)
    page.fill("#f-full_name", "Sarojini Panda")
    page.fill("#f-email", msme.email)
    page.fill("#f-password", msme.password)
    visit.submit(page.get_by_role("button", name="Create account"))
    assert "Welcome to SupplierMatch." in flash_text(page)

    # The profile sign-up made: complete it.
    visit.goto("/suppliers/me")
    assert msme.enterprise in page.inner_text("h1")
    page.get_by_role("link", name="Edit profile").click()
    page.wait_for_load_state()
    visit.check()
    page.fill("#f-contact_name", "Sarojini Panda")
    page.fill("#f-phone", "9437012345")
    page.fill("#f-pincode", "760001")
    page.fill("#f-district", "Ganjam")
    page.fill("#f-state", "Odisha")
    page.fill(
        "#f-about",
        "Isostatic graphite boats, trays and fixtures for vacuum sintering furnaces, "
        "machined to drawing.",
    )
    page.check("input[name=categories][value=furnace_parts]")
    visit.submit(page.get_by_role("button", name="Save profile"))
    assert "Profile saved." in flash_text(page)

    # A capability, in the form on the profile page.
    capability = page.locator("#capabilities form")
    capability.locator("select[name=category]").select_option("furnace_parts")
    capability.locator("select[name=process]").select_option("graphite_fixtures")
    capability.locator("textarea[name=description]").fill(
        "Graphite boats and trays, isostatic grade, CNC machined; ash below 50 ppm."
    )
    capability.locator("input[name=best_tolerance_mm]").fill("0.05")
    capability.locator("input[name=capacity_per_month]").fill("600")
    capability.locator("input[name=capacity_unit]").fill("pieces")
    capability.locator("input[name=materials]").fill("isostatic graphite")
    visit.submit(capability.get_by_role("button", name="Add capability"))
    assert "Graphite boats, trays and fixtures" in page.inner_text("#capabilities")

    # ISO 9001, held, with its certificate as a PDF.
    visit.goto("/certificates")
    form = page.locator("form[action*='/certificates']").filter(
        has=page.get_by_role("button", name="Add")
    )
    form.locator("#f-code").select_option("ISO9001")
    form.locator("#f-state").select_option("certified")
    form.locator("#f-certificate_number").fill(f"QMS-{tag.upper()}-2025")
    form.locator("#f-issuing_body").fill("TUV India")
    today = today_in_india()
    form.locator("#f-issued_on").fill((today - timedelta(days=200)).isoformat())
    form.locator("#f-expires_on").fill((today + timedelta(days=900)).isoformat())
    form.locator("#f-scope").fill("Machining of graphite furnace fixtures, Berhampur works")
    visit.submit(form.get_by_role("button", name="Add"))
    assert "ISO 9001 added." in flash_text(page)
    msme.certificate_path = urlsplit(page.url).path

    pdf = tmp_dir / "iso9001-certificate.pdf"
    pdf.write_bytes(
        certificate_pdf(
            [
                "TUV India - Certificate of registration",
                f"{msme.enterprise}, Berhampur, Odisha",
                "ISO 9001:2015 Quality management system",
                f"Certificate no. QMS-{tag.upper()}-2025",
            ]
        )
    )
    upload = page.locator("form[action$='/evidence']")
    upload.locator("input[type=file]").set_input_files(str(pdf))
    visit.submit(upload.get_by_role("button", name="Upload"))
    assert "Evidence uploaded." in flash_text(page)
    assert "iso9001-certificate.pdf" in page.inner_text("main")

    msme.pages = visit.paths
    return msme


@pytest.fixture(scope="module")
def registered_msme(browser, live_server, tmp_path_factory):
    """Journey 1's MSME with its certificate, signed up once for this module: journey 3
    verifies the same certificate, whichever of the two runs first."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    context.set_default_timeout(15_000)
    yield sign_up_msme(context, tmp_path_factory.mktemp("evidence"))
    context.close()


def test_msme_signs_up_lists_a_capability_and_certificate_and_sees_a_matching_requirement(
    registered_msme, page_at
):
    msme = registered_msme
    page = page_at(1280)
    sign_in(page, msme.email, msme.password)
    visit = Visited(page)

    # The certificate with its evidence, as the MSME's own page shows it.
    visit.goto(msme.certificate_path)
    assert "iso9001-certificate.pdf" in page.inner_text("main")

    # Readiness counts the requirement it is now fully qualified for.
    visit.goto("/readiness")
    qualifying = page.locator(".kpi", has_text="open requirements you are fully qualified for")
    assert int(qualifying.locator(".value").inner_text()) >= 1

    # The Ganjam requirement for graphite boats and trays is open to it.
    visit.goto("/rfqs")
    page.get_by_role("link", name=GRAPHITE_RFQ).click()
    page.wait_for_load_state()
    visit.check()
    assert GRAPHITE_RFQ in page.inner_text("h1")
    assert page.get_by_role("button", name="Submit quote").is_visible()
    screenshot(page, "journey-1-msme-sees-matching-requirement")


# ---------------------------------------------------------------- journey 2


def ist_input(moment: datetime) -> str:
    return moment.astimezone(INDIA_TIME).strftime("%Y-%m-%dT%H:%M")


def test_anchor_posts_ranks_invites_two_and_awards_one_after_their_quotes(page_at, tmp_path):
    tag = uuid.uuid4().hex[:4].upper()
    title = f"Collection of NdFeB grinding swarf and scrap, lot {tag}"
    anchor = page_at(1280)
    sign_in(anchor, TUMAKURU_BUYER)
    visit = Visited(anchor)

    # Post it.
    visit.goto("/requirements/new")
    anchor.fill("#f-title", title)
    anchor.fill(
        "#f-description",
        "Collection and removal of magnet scrap and grinding swarf (kept wet, pyrophoric) "
        "from our grinding lines, with weighbridge slips.",
    )
    anchor.select_option("#f-category", "recycling")
    anchor.select_option("#f-process", "magnet_scrap_collection")
    anchor.fill("#f-quantity_per_month", "6000")
    anchor.fill("#f-quantity_unit", "kg")
    anchor.check("input[name='required_certs'][value='PCB_CTO']")
    anchor.fill("#f-needed_by", (today_in_india() + timedelta(days=60)).isoformat())
    anchor.fill("#f-quote_deadline", ist_input(datetime.now(INDIA_TIME) + timedelta(days=3)))
    anchor.fill("input[aria-label='Item 1']", "Swarf and scrap collection")
    anchor.fill("input[aria-label='Quantity 1']", "6000")
    anchor.fill("input[aria-label='Unit 1']", "kg")
    visit.submit(anchor.get_by_role("button", name="Save draft"))
    assert title in anchor.inner_text("h1")
    visit.submit(anchor.get_by_role("button", name="Publish"))
    assert "Published" in flash_text(anchor)
    requirement_path = urlsplit(anchor.url).path

    # The ranking, with reasons.
    anchor.get_by_role("link", name="Ranked suppliers for this requirement").click()
    anchor.wait_for_load_state()
    visit.check()
    for name in RECYCLERS:
        card = anchor.locator("article", has_text=name)
        assert card.locator(".badge", has_text="Fully qualified").count() == 1, name
        card.locator("details.more summary").click()  # the reasons past the first two
        reasons = " ".join(card.locator("ul.reasons").all_inner_texts())
        assert "Consent to Operate" in reasons, reasons

    # Invite both.
    for name in RECYCLERS:
        card = anchor.locator("article", has_text=name)
        visit.submit(card.get_by_role("button", name="Invite to quote"))
        assert (
            anchor.locator("article", has_text=name).locator(".badge", has_text="Invited").count()
            == 1
        )

    # Each recycler quotes.
    for price, (name, email) in zip(("14.50", "12.75"), RECYCLERS.items(), strict=True):
        supplier = page_at(1280)
        sign_in(supplier, email)
        quote = Visited(supplier)
        quote.goto("/rfqs")
        row = supplier.locator("tr", has_text=title)
        assert "invited" in row.inner_text()
        row.get_by_role("link", name=title).click()
        supplier.wait_for_load_state()
        quote.check()
        supplier.fill("input[aria-label='Unit price for Swarf and scrap collection']", price)
        supplier.fill("#f-lead_time_days", "7")
        supplier.fill("#f-valid_until", (today_in_india() + timedelta(days=45)).isoformat())
        supplier.fill("#f-notes", f"{name}: covered trucks, wet drums, CPCB manifest.")
        quote.submit(supplier.get_by_role("button", name="Submit quote"))
        assert "Quote saved." in flash_text(supplier)

    # Close bidding early (the anchor's own control), compare, award the cheaper one.
    visit.goto(requirement_path)
    assert "2 quote(s) received so far" in anchor.inner_text("main")
    anchor.fill("#f-close-reason", "Both invited recyclers have quoted.")
    visit.submit(anchor.get_by_role("button", name="Close bidding now"))
    assert "Bidding closed" in flash_text(anchor)
    anchor.get_by_role("link", name="Award").click()
    anchor.wait_for_load_state()
    visit.check()
    award_rows = anchor.locator("form tbody tr")
    assert award_rows.count() == 2
    cheaper = "Vijaya E-Waste Solutions & Co"
    anchor.get_by_role("checkbox", name=cheaper).check()
    anchor.fill("#f-note", "Lower rate; both met the consent requirement.")
    visit.submit(anchor.get_by_role("button", name="Award"))
    assert "Awarded." in flash_text(anchor)
    assert "awarded" in anchor.inner_text("h1")
    assert cheaper in anchor.inner_text("main")

    # The anchor's match report: bidding has ended, so the totals show; no internal notes.
    visit.goto(requirement_path + "/report")
    winner = anchor.locator("article.supplier-line", has_text=cheaper)
    assert winner.locator(".badge", has_text="awarded").count() == 1
    assert "quote ₹76,500.00, 7 days" in winner.inner_text()  # 6,000 kg at ₹12.75
    assert "Bidding has ended" in anchor.inner_text("main")
    assert anchor.locator("text=Add a note").count() == 0
    screenshot(anchor, "journey-2-anchor-match-report")


# ---------------------------------------------------------------- journey 3


def test_coordinator_verifies_the_certificate_reads_the_report_and_dashboard_and_gets_the_csv(
    registered_msme, page_at
):
    msme = registered_msme
    page = page_at(1280)
    sign_in(page, GANJAM_COORDINATOR)
    visit = Visited(page)

    # Verify journey 1's ISO 9001 against its evidence.
    visit.goto("/certificates/verification")
    row = page.locator("tr", has_text=msme.enterprise)
    assert "1 document" in row.inner_text()
    row.get_by_role("link", name="ISO 9001").click()
    page.wait_for_load_state()
    visit.check()
    assert "iso9001-certificate.pdf" in page.inner_text("main")
    visit.submit(page.get_by_role("button", name="Verify", exact=True))
    assert "verified" in page.locator("main").inner_text().lower()

    # The dashboard leads to the graphite requirement's match report.
    visit.goto("/dashboard")
    coverage = page.locator("#coverage")
    assert GRAPHITE_RFQ in coverage.inner_text()
    coverage.get_by_role("link", name=GRAPHITE_RFQ).click()
    page.wait_for_load_state()
    visit.check()
    assert GRAPHITE_RFQ in page.inner_text("h1")
    line = page.locator("article.supplier-line", has_text=msme.enterprise)
    assert line.count() == 1
    assert "holds ISO 9001" in line.inner_text() and "verified" in line.inner_text()
    # ... where the coordinator records a recommendation for the buyer's shortlist talk.
    line.locator("summary", has_text="Add a note").click()
    line.locator("select[name=recommendation]").select_option("recommended")
    line.locator("textarea[name=text]").fill("New graphite shop; ISO 9001 checked against TUV.")
    visit.submit(line.get_by_role("button", name="Save note"))
    assert "Note saved." in flash_text(page)
    line = page.locator("article.supplier-line", has_text=msme.enterprise)
    assert "Recommended" in line.inner_text()
    assert "ISO 9001 checked against TUV" in line.inner_text()
    screenshot(page, "journey-3-coordinator-match-report")

    # Back on the dashboard: the coverage numbers as CSV.
    visit.goto("/dashboard")
    with page.expect_download() as download_info:
        page.locator("#coverage").get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{GANJAM}-coverage-")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    graphite = next(r for r in rows if r["title"] == GRAPHITE_RFQ)
    assert graphite["anchor"] == "Vindhya Magnets"
    assert graphite["category"] == "Furnace & thermal parts"
    qualified = int(graphite["qualified_suppliers"])
    assert qualified >= 1
    assert graphite["fewer_than_3_qualified"] == ("yes" if qualified < 3 else "no")
    assert all(r["requirement_id"].isdigit() for r in rows)
    screenshot(page, "journey-3-coordinator-dashboard")
