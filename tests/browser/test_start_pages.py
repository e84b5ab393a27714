"""One journey per role from sign-in: the role lands on its start page, which fits a
phone (390 px) and a desktop (1280 px), and reaches its main job by clicking, never by a
typed URL. Runs against the live demo server, whose seed plants the work each role finds
(seeds/demo/requirements.json's cycle records, the duplicate scan, pending certificates).
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from suppliermatch.dates import today_in_india
from tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (1280, 390)
# The demo's Ganjam cast (seeds/demo): who is invited to what, and who awaits whose quotes.
MSME = "owner@rushikulya-heat-treaters.demo.in"
INVITED_RFQ = "Dimensional and magnetic inspection of sliced segments"
ANCHOR = "buyer@vindhya-magnets.demo.in"
AWAITING_RFQ = "Vacuum ageing of sintered NdFeB blocks"
COORDINATOR = "coordinator.ganjam@demo.suppliermatch.in"
ADMIN = "admin@demo.suppliermatch.in"


def land_on_start_page(page, email: str, role: str) -> None:
    """Sign in; the start page is where the browser lands, and it fits both widths."""
    sign_in(page, email)
    assert urlsplit(page.url).path == "/", f"signed in to {page.url}, not the start page"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_horizontal_scroll(page)
        screenshot(page, f"start-{role}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def section(page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=heading))


def test_msme_lands_on_its_invitations_and_quotes_from_there(page_at):
    page = page_at(1280)
    land_on_start_page(page, MSME, "msme")
    assert "What is missing from your profile" in page.inner_text("main")
    invitations = section(page, "Invitations waiting for your quote")
    invitations.get_by_role("link", name=INVITED_RFQ).click()
    page.wait_for_load_state()
    assert INVITED_RFQ in page.inner_text("h1")

    for price in page.locator("input[name^=price_]").all():
        price.fill("2250")
    page.fill("#f-lead_time_days", "6")
    page.fill("#f-valid_until", (today_in_india() + timedelta(days=45)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Submit quote").click()
    assert "quote" in page.inner_text("main").lower()

    page.get_by_role("link", name="SupplierMatch").click()
    page.wait_for_load_state()
    assert INVITED_RFQ in section(page, "Your quotes").inner_text()
    assert INVITED_RFQ not in section(page, "Invitations waiting for your quote").inner_text()


def test_anchor_lands_on_quotes_awaiting_it_and_compares_them(page_at):
    page = page_at(1280)
    land_on_start_page(page, ANCHOR, "anchor")
    awaiting = section(page, "Quotes awaiting your decision")
    assert "2 quotes" in awaiting.inner_text()
    awaiting.get_by_role("link", name=AWAITING_RFQ).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Award").count() == 1
    page.get_by_role("link", name="Compare quotes side by side").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Rushikulya Heat Treaters LLP" in main
    assert "Biswakarma Calibration Services" in main


def test_coordinator_lands_on_its_queues_and_opens_the_duplicate_pairs(page_at):
    page = page_at(1280)
    land_on_start_page(page, COORDINATOR, "coordinator")
    duplicates = page.locator("a.kpi", has_text="Possible duplicate suppliers")
    assert int(duplicates.locator(".value").inner_text()) >= 1
    verify = page.locator("a.kpi", has_text="Certificates to verify")
    assert int(verify.locator(".value").inner_text()) >= 1

    duplicates.click()
    page.wait_for_load_state()
    assert "likely the same enterprise" in page.inner_text("main")
    assert page.get_by_role("button", name="Not the same enterprise").count() >= 1

    page.go_back()
    page.locator("a.kpi", has_text="Certificates to verify").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).count() == 1
    assert "/certificates/verification" in page.url


def test_admin_lands_on_users_and_clusters_and_opens_a_cluster(page_at):
    page = page_at(1280)
    land_on_start_page(page, ADMIN, "admin")
    users = section(page, "Users")
    coordinators = users.locator(".kpi", has_text="Coordinators").locator(".value")
    assert coordinators.inner_text() == "5"
    section(page, "Clusters").get_by_role("link", name="Ganjam REPM cluster").click()
    page.wait_for_load_state()
    assert "Ganjam" in page.inner_text("h1")
