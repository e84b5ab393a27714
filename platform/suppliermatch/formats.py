"""Numbers, money, days and moments as every page, e-mail and message shows them: the one
place, through Babel (CLDR) in the reader's language, with Indian conventions.

- Money: rupees with the rupee sign and Indian digit grouping in every language,
  "₹1,18,000.00" (lakh and crore: 1,00,000 and 1,00,00,000). CLDR's own pattern for Odia
  and Tamil groups in thousands, so the pattern is fixed here.
- A day: "14 Jun 2025" (dd MMM yyyy), the month's name in the reader's language.
- A moment: "14 Jun 2025, 23:10 IST": stored in UTC, shown in India time (Asia/Kolkata;
  no daylight saving).

Outside a request (the matching engine's reasons, the command line) the language is
English. Babel is plain Python: the engine stays importable without Flask.
"""

from collections.abc import Callable
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from suppliermatch.dates import INDIA_TIME, in_india_time

NOT_SET = "–"
DAY_PATTERN = "dd MMM yyyy"
MONTH_PATTERN = "MMM yyyy"
# Indian grouping (##,##,##0) in every language; CLDR's ¤ is the rupee sign.
INR_PATTERN = "¤#,##,##0.00"
NUMBER_PATTERN = "#,##,##0.###"


# Who reads: the web app sets this to the request's language (``i18n.init_i18n``); without
# it (the engine benchmarked alone, the command line) the reader reads English.
_reader_language: Callable[[], str] = lambda: "en"  # noqa: E731


def read_language_from(source: Callable[[], str]) -> None:
    global _reader_language
    _reader_language = source


def babel_locale() -> str:
    """The CLDR locale of the reader's language in India: hi_IN, or_IN, te_IN, ta_IN, en_IN."""
    return f"{_reader_language()}_IN"


def day_text(day: date) -> str:
    return format_date(day, DAY_PATTERN, locale=babel_locale())


def month_text(day: date) -> str:
    return format_date(day, MONTH_PATTERN, locale=babel_locale())


def moment_text(moment: datetime) -> str:
    local = in_india_time(moment)
    # The time of day in digits and IST in every language: what a shop floor reads on a clock.
    return f"{day_text(local)}, {local:%H:%M} {INDIA_TIME.tzname(None)}"


def when(value: date | datetime | None, missing: str = NOT_SET) -> str:
    """The one way a template shows a day or a moment (the ``when`` filter)."""
    if value is None or value == "":
        return missing
    if isinstance(value, datetime):
        return moment_text(value)
    return day_text(value)


def inr(amount) -> str:
    """Rupees with Indian digit grouping: ₹12,34,567.50 (the ``inr`` filter)."""
    if amount is None:
        return NOT_SET
    return format_currency(
        float(amount), "INR", format=INR_PATTERN, locale=babel_locale(), currency_digits=False
    )


# Lakh (1,00,000) and crore (1,00,00,000) as each language writes them: large sums read in
# these, not in millions (CLDR's short forms for Odia, Telugu and Tamil count millions).
LAKH, CRORE = 10**5, 10**7
LAKH_CRORE_WORDS = {
    "en": ("lakh", "crore"),
    "hi": ("लाख", "करोड़"),
    "or": ("ଲକ୍ଷ", "କୋଟି"),
    "te": ("లక్షలు", "కోట్లు"),
    "ta": ("லட்சம்", "கோடி"),
}


def inr_in_words(amount) -> str:
    """A large sum as people say it: ₹2.50 crore, ₹40.00 lakh; below a lakh, ``inr``."""
    if amount is None:
        return NOT_SET
    lakh, crore = LAKH_CRORE_WORDS.get(_reader_language(), LAKH_CRORE_WORDS["en"])
    for size, word in ((CRORE, crore), (LAKH, lakh)):
        if abs(amount) >= size:
            digits = format_decimal(amount / size, format="#,##,##0.00", locale=babel_locale())
            return f"₹{digits} {word}"
    return inr(amount)


def number(value) -> str:
    """A count or a quantity with Indian grouping: 1,20,000 (the ``number`` filter)."""
    if value is None:
        return NOT_SET
    return format_decimal(value, format=NUMBER_PATTERN, locale=babel_locale())
