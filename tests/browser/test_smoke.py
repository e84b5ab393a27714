"""The browser can reach the live server and sign in with a demo account."""

import pytest

from tests.browser.conftest import assert_no_horizontal_scroll, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 390])
def test_demo_anchor_signs_in_and_sees_their_name(page_at, width):
    page = page_at(width)
    sign_in(page, "buyer@deccan-repm.demo.in")
    assert "Signed in as Lakshmi Iyer" in page.inner_text("main")
    assert_no_horizontal_scroll(page)
    screenshot(page, f"smoke-signed-in-{width}")
