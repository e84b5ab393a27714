"""Issue 15's journey in a real browser, against the live demo server and a real SMTP
server started by the test: the Ganjam coordinator imports a file and invites the two MSMEs
in it; Vindhya Magnets invites one of them to quote; that MSME follows the link in the
e-mail it received, sets a password, and sees its profile and the invitation to quote.
"""

import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import REPO, screenshot, sign_in
from tests.browser.test_journeys import GANJAM_COORDINATOR, GRAPHITE_RFQ, Visited, flash_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GANJAM_BUYER = "buyer@vindhya-magnets.demo.in"
NEW_PASSWORD = "sintered boats travel far"


def send_the_outbox(live_gunicorn) -> str:
    sent = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "notifications", "send"],
        cwd=REPO,
        env=live_gunicorn.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    return sent.stdout


def test_coordinator_invites_two_imported_msmes_and_one_claims_its_profile_by_the_emailed_link(
    page_at, live_gunicorn, live_smtp, tmp_path
):
    tag = uuid.uuid4().hex[:6]
    msmes = {
        f"Rushikulya Tool Room {tag}": f"works-{tag}@rushikulya.test",
        f"Gopalpur Plating Works {tag}": f"office-{tag}@gopalpur.test",
    }
    upload = tmp_path / "ganjam-msmes.csv"
    upload.write_text(
        "supplier_ref,name,email,capabilities\n"
        + "".join(
            f"JRN-{tag}-{n},{name},{email},Graphite fixtures and CNC machining\n"
            for n, (name, email) in enumerate(msmes.items())
        )
    )
    claimant, other = msmes

    # The coordinator imports the file and invites both from the import report.
    coordinator = page_at(1280)
    sign_in(coordinator, GANJAM_COORDINATOR)
    visit = Visited(coordinator)
    visit.goto("/suppliers/import")
    coordinator.set_input_files("input[type=file]", str(upload))
    visit.submit(coordinator.get_by_role("button", name="Check and import"))
    # The import's job page follows the worker (unless it was done already), then goes on
    # to the report by itself.
    coordinator.wait_for_url("**/suppliers/imports/*")
    report_path = urlsplit(coordinator.url).path
    assert "Every row was imported." in coordinator.inner_text("main")
    onboarding = coordinator.locator("#onboarding")
    for name in msmes:
        assert "not invited" in onboarding.locator("tr", has_text=name).inner_text()
        onboarding.get_by_role("checkbox", name=f"Invite {name}").check()
    visit.submit(onboarding.get_by_role("button", name="Invite the ticked suppliers"))
    assert "2 invitations queued." in flash_text(coordinator)

    # The anchor finds one of them in a supplier search and invites it to quote.
    anchor = page_at(1280)
    sign_in(anchor, GANJAM_BUYER)
    buying = Visited(anchor)
    buying.goto("/requirements")
    anchor.get_by_role("link", name=GRAPHITE_RFQ).first.click()
    anchor.wait_for_load_state()
    anchor.get_by_role("link", name="from a supplier search").click()
    anchor.wait_for_load_state()
    anchor.fill("#f-q", claimant)
    buying.submit(anchor.get_by_role("search").get_by_role("button", name="Search"))
    buying.submit(anchor.get_by_role("button", name=f"Invite {claimant} to quote"))
    assert "1 supplier(s) invited." in flash_text(anchor)

    # The outbox goes to the SMTP server: the claim invitations, and the invitation to quote.
    assert "failed: 0" in send_the_outbox(live_gunicorn)
    assert len(live_smtp.to(msmes[other])) == 1
    assert [m["Subject"].split(":")[0] for m in live_smtp.to(msmes[claimant])] == [
        f"Claim the profile of {claimant} on SupplierMatch",
        "Invitation to quote",
    ]
    link_pattern = r"(" + live_gunicorn.base_url.replace(".", r"\.") + r"/claim/[A-Za-z0-9_-]+)"
    link = live_smtp.link(msmes[claimant], link_pattern)

    # The MSME follows the link, sets a password and sees its profile and the invitation.
    msme = page_at(390)
    claiming = Visited(msme)
    claiming.goto(link)
    assert f"Claim {claimant}" in msme.inner_text("h1")
    assert msme.input_value("#f-email") == msmes[claimant]
    msme.fill("#f-full_name", "Sabita Panda")
    msme.fill("#f-password", NEW_PASSWORD)
    claiming.submit(msme.get_by_role("button", name="Claim the profile"))
    assert "The profile is yours." in flash_text(msme)
    assert claimant in msme.inner_text("main")
    claiming.goto("/rfqs")
    row = msme.locator("tr", has_text=GRAPHITE_RFQ)
    assert "invited" in row.inner_text()
    claiming.goto("/notifications")
    assert f"Invitation to quote: {GRAPHITE_RFQ}" in msme.inner_text("main")
    screenshot(msme, "journey-onboarding-msme-inbox")

    # The coordinator sees one claimed, one invited.
    visit.goto(report_path)
    assert "claimed" in coordinator.locator("tr", has_text=claimant).inner_text()
    assert "invited" in coordinator.locator("tr", has_text=other).inner_text()
    screenshot(coordinator, "journey-onboarding-import-report")
