"""What a person reads on a server-rendered page: its words without the markup."""

import re
from html import unescape


def page_text(page) -> str:
    """The text of a page (a test client's response, or its HTML), whitespace collapsed."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    html = html.replace("<wbr>", "")  # a place a line may break, not a space
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
