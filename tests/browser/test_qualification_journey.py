"""After the award, in a real browser against the live demo server: Vindhya Magnets' buyer
opens a PPAP for the part it awarded to Gangadevi Electroplaters (making a level 1
template on the way), the supplier uploads the warrant as a real PDF file and submits, the
buyer accepts it and approves, and the supplier is on the approved-supplier list.

Every page the journey shows is measured at 390 and 1280 px: nothing scrolls sideways, no
table cell is wider than its box, no word is broken inside (layout_faults.js); screenshots
of both widths go to test-artifacts/.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import layout_faults, screenshot, sign_in
from tests.browser.test_start_pages import ANCHOR, section
from tests.certification.documents import certificate_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE, DESKTOP = 390, 1280
# The demo's award (seeds/demo/requirements.json): Vindhya's passivation requirement, won
# by Gangadevi Electroplaters, whose owner has a login.
AWARDED_RFQ = "Passivation of machined NdFeB fixtures"
SUPPLIER = "owner@gangadevi-electroplaters.demo.in"
SUPPLIER_NAME = "Gangadevi Electroplaters LLP"
WARRANT = "Part submission warrant"


def reads_at_both_widths(page, name: str) -> None:
    """The page as shown now: measured and photographed at a phone's and a desktop's width."""
    for width in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"qualification-{name}-{width}")
        assert layout_faults(page) == [], f"{name} at {width} px"


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()


def flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def test_anchor_opens_a_ppap_supplier_uploads_and_submits_anchor_approves(page_at, tmp_path):
    tag = uuid.uuid4().hex[:6].upper()
    template, part = f"PPAP level 1 ({tag})", f"Passivated spacer VS-{tag}"

    # The anchor: from its requirement's award to opening the qualification.
    buyer = page_at(DESKTOP)
    sign_in(buyer, ANCHOR)
    click_and_wait(buyer, buyer.get_by_role("navigation").get_by_role("link", name="Requirements"))
    click_and_wait(buyer, buyer.get_by_role("link", name=AWARDED_RFQ).first)
    click_and_wait(buyer, buyer.get_by_role("link", name="Qualify the part").first)
    expect(buyer.get_by_role("heading", level=1)).to_contain_text(AWARDED_RFQ)
    expect(buyer.get_by_text(SUPPLIER_NAME).first).to_be_visible()
    reads_at_both_widths(buyer, "award")

    click_and_wait(buyer, buyer.get_by_role("link", name="Make another template"))
    buyer.fill("#f-name", template)
    buyer.get_by_label("PPAP", exact=True).check()
    buyer.select_option("#f-ppap_level", "1")
    reads_at_both_widths(buyer, "templates")
    click_and_wait(buyer, buyer.get_by_role("button", name="Save template"))
    assert f"Template {template} saved." in flash(buyer)

    buyer.locator("label.choice", has_text=template).locator("input").check()
    buyer.fill("#f-part", part)
    click_and_wait(buyer, buyer.get_by_role("button", name="Open qualification"))
    expect(buyer.get_by_role("heading", level=1)).to_contain_text(part)
    expect(buyer.get_by_text("Waiting for the supplier to upload and submit.")).to_be_visible()

    # The supplier: from its start page, uploads the warrant (a real PDF file) and submits.
    document = tmp_path / "part-submission-warrant.pdf"
    document.write_bytes(certificate_pdf([f"Part submission warrant, {part}", SUPPLIER_NAME]))
    supplier = page_at(PHONE)
    sign_in(supplier, SUPPLIER)
    waiting = section(supplier, "Part qualifications waiting for your documents")
    click_and_wait(supplier, waiting.get_by_role("link", name=part))
    reads_at_both_widths(supplier, "supplier-to-upload")
    supplier.get_by_label(f"File for {WARRANT}").set_input_files(str(document))
    click_and_wait(supplier, supplier.get_by_role("button", name="Upload"))
    assert f"{WARRANT}: document uploaded." in flash(supplier)
    row = supplier.locator("#elements tr", has_text=WARRANT)
    expect(row).to_contain_text("part-submission-warrant.pdf")
    expect(row).to_contain_text("uploaded, to review")
    click_and_wait(supplier, supplier.get_by_role("button", name="Submit for approval"))
    assert "Submitted" in flash(supplier)
    reads_at_both_widths(supplier, "supplier-submitted")

    # The anchor: its start page lists the submission; it accepts the warrant and approves.
    buyer.set_viewport_size({"width": PHONE, "height": 900})
    click_and_wait(buyer, buyer.get_by_role("link", name="SupplierMatch").first)
    review = section(buyer, "Part qualifications to review")
    expect(review).to_contain_text(SUPPLIER_NAME)
    click_and_wait(buyer, review.get_by_role("link", name=part))
    reads_at_both_widths(buyer, "anchor-to-review")
    warrant_row = buyer.locator("#elements tr", has_text=WARRANT)
    download = warrant_row.get_by_role("link", name=re.compile("pdf"))
    with buyer.expect_download() as downloaded:
        download.click()
    assert downloaded.value.suggested_filename == "part-submission-warrant.pdf"
    click_and_wait(buyer, buyer.get_by_role("button", name=f"Accept {WARRANT}"))
    assert f"{WARRANT}: accepted." in flash(buyer)
    expect(buyer.get_by_label("Approve", exact=False).first).to_be_checked()
    click_and_wait(buyer, buyer.get_by_role("button", name="Record the decision"))
    assert "Approved: the supplier is on your approved-supplier list." in flash(buyer)
    history = section(buyer, "History")
    for words in ("Opened the qualification", "Uploaded a document", "Submitted for approval",
                  "Accepted a document", "Approved"):  # fmt: skip
        expect(history).to_contain_text(words)
    expect(history).to_contain_text(re.compile(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2} IST"))
    reads_at_both_widths(buyer, "anchor-approved")

    # The approved-supplier list names the supplier for the part.
    click_and_wait(buyer, buyer.get_by_role("link", name="All qualifications"))
    reads_at_both_widths(buyer, "list")
    click_and_wait(buyer, buyer.get_by_role("link", name="Approved-supplier list"))
    listed = buyer.locator("tr", has_text=part)
    expect(listed).to_contain_text(SUPPLIER_NAME)
    expect(listed).to_contain_text("approved")
    reads_at_both_widths(buyer, "approved-list")
