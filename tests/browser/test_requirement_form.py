"""Posting a requirement on a phone, from the anchor's start page: certificates ticked, the
processes narrowed to the category, the plant placed by a town, a line added in the page, a
drawing uploaded; the anchor's notices of quotes; the coordinator's requirement import with
its template. Each page is measured at 390 and 1280 px (overflow, words broken inside) and
screenshotted to test-artifacts/.
"""

from datetime import datetime, timedelta

import pytest

from suppliermatch.dates import INDIA_TIME
from tests.browser.conftest import sign_in
from tests.browser.test_phone_layouts import PHONE, assert_reads_at_both_widths, follow
from tests.browser.test_start_pages import ANCHOR, COORDINATOR
from tests.certification.documents import certificate_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = "Flux and B-H loop testing of N48 arc segments, browser"


def test_an_anchor_posts_a_requirement_with_a_drawing_from_its_start_page(page_at, tmp_path):
    page = page_at(PHONE)
    sign_in(page, ANCHOR)
    follow(page, "Post a requirement", within=page.locator("main"))
    page.fill("#f-title", TITLE)
    page.select_option("#f-category", "testing")
    # Only the chosen category's processes are offered.
    assert page.locator("optgroup[data-category=cnc_machining]").evaluate("g => g.hidden")
    assert not page.locator("optgroup[data-category=testing]").evaluate("g => g.hidden")
    page.select_option("#f-process", "magnetic_property_testing")
    # Certificates are ticked, one tap each.
    page.locator("fieldset", has_text="Required").get_by_label("ISO 9001").check()
    page.locator("fieldset", has_text="Preferred").get_by_label("ZED Silver").check()
    # A town fills the PIN code: nobody types degrees.
    page.select_option("#f-plant_place", "761020")
    assert page.input_value("#f-plant_pincode") == "761020"
    deadline = datetime.now(INDIA_TIME) + timedelta(days=5)
    page.fill("#f-quote_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[aria-label='Item 1']", "B-H loop test report per lot")
    page.fill("input[aria-label='Quantity 1']", "40")
    page.fill("input[aria-label='Unit 1']", "lots")
    page.get_by_role("button", name="Add a line").click()  # in the page, no post
    page.fill("input[aria-label='Item 2']", "Helmholtz coil flux check")
    page.fill("input[aria-label='Quantity 2']", "4000")
    page.fill("input[aria-label='Unit 2']", "pcs")
    assert_reads_at_both_widths(page, "requirement-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    main = page.inner_text("main")
    assert "Draft saved" in main and TITLE in page.inner_text("h1")
    assert "Helmholtz coil flux check" in main and "(Chhatrapur, Ganjam, PIN 761020)" in main

    drawing = tmp_path / "VM-AS-48 rev A.pdf"
    drawing.write_bytes(certificate_pdf(["Drawing VM-AS-48 rev A: arc segment"]))
    page.set_input_files("#f-drawing", str(drawing))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload drawing").click()
    assert "Drawing added" in page.inner_text("main")
    drawings = page.locator("section#drawings")
    assert "VM-AS-48 rev A.pdf" in drawings.inner_text()
    assert_reads_at_both_widths(page, "requirement-drawings")
    with page.expect_download() as download:
        drawings.get_by_role("link", name="VM-AS-48 rev A.pdf").click()
    assert download.value.suggested_filename == "VM-AS-48 rev A.pdf"
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    assert "Added a drawing" in history.inner_text()


def test_an_anchor_reads_that_quotes_came_in(page_at):
    page = page_at(PHONE)
    sign_in(page, ANCHOR)
    follow(page, "Notifications", within=page.get_by_role("navigation"))
    main = page.inner_text("main")
    assert "Quotes received:" in main and "sealed until bidding ends" in main
    assert_reads_at_both_widths(page, "anchor-notifications")


def test_a_coordinator_imports_requirements_from_its_start_page_with_the_template(page_at):
    page = page_at(PHONE)
    sign_in(page, COORDINATOR)
    follow(page, "Import requirements from a spreadsheet", within=page.locator("main"))
    page.locator("details summary", has_text="The codes the import expects").click()
    assert "furnace_parts" in page.inner_text("main")
    assert_reads_at_both_widths(page, "requirement-import")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (.csv)").click()
    template = download.value.path()
    with page.expect_navigation():
        page.set_input_files("#f-file", str(template))
        page.get_by_role("button", name="Import").click()
    assert "1 new requirement(s)" in page.inner_text("main")
