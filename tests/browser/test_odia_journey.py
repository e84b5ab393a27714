"""The MSME's path in Odia on a phone (390 px): the switcher on the sign-in page, then the
start page, profile and its edit form, a capability form, certificates, readiness, the
requirements to quote on, an invitation with its quote form, and the notifications. Each
page is in Odia (<html lang="or">, Odia words) and nothing overflows (layout_faults.js:
no sideways scrolling, no cell wider than its box, no word broken inside)."""

import re

import pytest

from tests.browser.conftest import layout_faults, screenshot, sign_in
from tests.browser.test_start_pages import INVITED_RFQ, MSME

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = 390
ODIA = re.compile(r"[\u0b00-\u0b7f]")


def assert_odia_and_fits(page, name: str) -> None:
    page.wait_for_load_state()
    screenshot(page, f"odia-{name}-{PHONE}")
    assert page.locator("html").get_attribute("lang") == "or", name
    assert ODIA.search(page.locator("main").inner_text()), f"{name} shows no Odia"
    assert layout_faults(page) == [], f"{name} at {PHONE} px in Odia"


def test_an_msme_works_through_its_path_in_odia_on_a_phone(page_at):
    page = page_at(PHONE)
    page.goto("/login")
    page.get_by_role("button", name="ଓଡ଼ିଆ").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "or"
    assert_odia_and_fits(page, "sign-in")
    sign_in(page, MSME)
    assert_odia_and_fits(page, "start")

    for name, path in (
        ("profile", "/suppliers/me"),
        ("certificates", "/certificates"),
        ("readiness", "/readiness"),
        ("requirements", "/rfqs"),
        ("notifications", "/notifications"),
    ):
        page.goto(path)
        assert_odia_and_fits(page, name)

    page.goto("/suppliers/me")
    page.get_by_role("link", name="ପ୍ରୋଫାଇଲ ବଦଳାନ୍ତୁ").first.click()
    assert_odia_and_fits(page, "profile-edit")
    page.goto("/suppliers/me")
    page.locator("a[href*='/capabilities/']", has_text="ବଦଳାନ୍ତୁ").first.click()
    assert_odia_and_fits(page, "capability-edit")

    # The invitation, from the requirements open to the MSME (other journeys may have
    # quoted on it already: it is then under "Your quotes" on the start page, not here).
    page.goto("/rfqs")
    page.get_by_role("link", name=INVITED_RFQ).first.click()
    assert_odia_and_fits(page, "invitation-and-quote")
    # The quote form speaks Odia down to its button and its required marks.
    assert page.get_by_role("button", name=re.compile("କୋଟେସନ (ପଠାନ୍ତୁ|ବଦଳାନ୍ତୁ)")).is_visible()
    mark = page.locator("label[for=f-lead_time_days]").evaluate(
        "e => getComputedStyle(e, '::after').content"
    )
    assert mark == '" (ଆବଶ୍ୟକ)"'
