"""A create form sent twice from a real browser makes one record: a double click on its
submit button, and a second click after the first answer never came (a timeout)."""

import uuid
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa

from suppliermatch.form_tokens import ALREADY_SENT, FIELD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A demo MSME with a login and a profile (seeds/demo).
MSME = "owner@malnad-recyclers.demo.in"


def _capabilities_described(live_gunicorn, description: str) -> int:
    engine = sa.create_engine(live_gunicorn.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.scalar(
                sa.text("SELECT count(*) FROM capability WHERE description = :d"),
                {"d": description},
            )
    finally:
        engine.dispose()


def _capability_form(page, description: str):
    page.goto("/suppliers/me")
    form = page.locator("form", has=page.get_by_role("button", name="Add capability"))
    form.locator("select[name=category]").select_option("coatings")
    form.locator("textarea[name=description]").fill(description)
    return form.get_by_role("button", name="Add capability")


def _posts_to_capabilities(page) -> list:
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request)
            if request.method == "POST" and request.url.endswith("/capabilities")
            else None
        ),
    )
    return posts


def _hold_back_the_first_answer(page) -> list:
    """The first post goes to the server, which saves it, but its answer never reaches
    the browser (a slow or lost answer); later posts pass as usual."""
    seen, held = [], []

    def route(route):
        # Counted first: the second post may come while the server still works on the first.
        seen.append(route)
        if len(seen) > 1:
            route.continue_()
            return
        route.fetch(max_redirects=0)
        held.append(route)

    page.route("**/capabilities", route)
    return held


def _wait_until(page, condition) -> None:
    for _ in range(100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("waited 10 s in vain")


def _middle_of(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _token_of(request) -> str:
    return parse_qs(request.post_data)[FIELD][0]


def test_a_double_clicked_submit_button_adds_one_capability(page_at, live_gunicorn):
    """Two clicks a tenth of a second apart, as a person double-clicks, while the answer to
    the first is on its way: the browser sends the form twice, with one token."""
    page = page_at(1280)
    sign_in(page, MSME)
    description = f"Zinc flake coating, batch {uuid.uuid4().hex[:8]}"
    button = _capability_form(page, description)
    posts = _posts_to_capabilities(page)
    _hold_back_the_first_answer(page)
    x, y = _middle_of(button)
    page.mouse.click(x, y)
    page.wait_for_timeout(100)
    page.mouse.click(x, y)
    page.locator("#capabilities").get_by_text(description).wait_for()
    assert len(posts) == 2, "the double click did not send the form twice"
    assert _token_of(posts[0]) == _token_of(posts[1])
    assert _capabilities_described(live_gunicorn, description) == 1


def test_a_second_click_after_the_answer_was_lost_adds_nothing(page_at, live_gunicorn):
    """The first post reaches the server, but its answer never reaches the browser, which
    still shows the form: the person clicks again and is shown what the first one made."""
    page = page_at(1280)
    sign_in(page, MSME)
    description = f"Hard chrome plating, batch {uuid.uuid4().hex[:8]}"
    button = _capability_form(page, description)
    held = _hold_back_the_first_answer(page)
    x, y = _middle_of(button)
    page.mouse.click(x, y)
    _wait_until(page, lambda: held)
    assert _capabilities_described(live_gunicorn, description) == 1
    # The mouse, not a locator's click: that would wait for the navigation never answered.
    page.mouse.click(x, y)
    page.locator(".flash", has_text=ALREADY_SENT).wait_for()
    assert description in page.inner_text("#capabilities")
    assert _capabilities_described(live_gunicorn, description) == 1
