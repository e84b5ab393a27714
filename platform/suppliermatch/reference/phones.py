"""Indian phone numbers as spreadsheets write them, read into E.164 (``+919876543210``).

A cell in a cluster's spreadsheet holds what people type: ``+91-98765 43210``,
``098765-43210``, ``0674 2345678``, a landline without its STD code (``2345678``), two
numbers (``98765 43210 / 0674-2345678``), an extension (``080 2345 6789 ext 12``).
``read_phones`` returns every number it can read and, separately, the parts it could
not, so that an import keeps the row and names the part in its report.

The numbering plan (which ranges are mobile, which STD codes exist, how long a number
is) comes from Google's libphonenumber metadata, through the ``phonenumbers`` package.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

# STD (trunk) codes of the districts where the magnet clusters and their suppliers sit,
# without the leading 0. Source: BSNL's list of STD codes (bsnl.co.in, "STD codes"); a
# landline number written without one is local to the supplier's district. A district
# not listed here leaves such a number unread (and the import says so).
DISTRICT_STD_CODES: dict[str, str] = {
    # Odisha
    "khordha": "674",
    "khurda": "674",
    "cuttack": "671",
    "ganjam": "680",
    "angul": "6764",
    # Andhra Pradesh
    "visakhapatnam": "891",
    "krishna": "866",
    "anantapur": "8554",
    "tirupati": "877",
    # Tamil Nadu
    "chennai": "44",
    "coimbatore": "422",
    "krishnagiri": "4343",
    "tiruchirappalli": "431",
    # Karnataka
    "bengaluru urban": "80",
    "bangalore": "80",
    "mysuru": "821",
    "belagavi": "831",
    "tumakuru": "816",
    # Gujarat
    "ahmedabad": "79",
    "rajkot": "281",
    "vadodara": "265",
    "surat": "261",
    "bharuch": "2642",
    # Maharashtra
    "pune": "20",
    "aurangabad": "240",
    "mumbai": "22",
    # Haryana, Telangana, Kerala, Delhi
    "gurugram": "124",
    "faridabad": "129",
    "hyderabad": "40",
    "kollam": "474",
    "new delhi": "11",
    "delhi": "11",
}
# An Indian number without the country code has 10 digits: STD code + subscriber number
# for a landline, or a mobile number (National Numbering Plan 2003, DoT).
NATIONAL_NUMBER_DIGITS = 10

# Between two numbers in one cell.
_NUMBER_SEPARATOR = re.compile(r"\s*(?:[/,;|&]|\bor\b|\band\b)\s*", re.IGNORECASE)
# What people write before an extension.
_EXTENSION = re.compile(r"\s*(?:ext\.?|extn\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]")
_ALLOWED = re.compile(r"[0-9+\-(). ]+", re.ASCII)


@dataclass(frozen=True)
class ReadPhones:
    """The numbers read from one cell (E.164, with ``;ext=`` when given) and the rest."""

    numbers: tuple[str, ...]
    unreadable: tuple[str, ...]


def std_code_for(district: str | None) -> str | None:
    """The STD code (without 0) of a district, when it is listed."""
    if not district:
        return None
    return DISTRICT_STD_CODES.get(" ".join(district.casefold().split()))


@lru_cache(maxsize=65_536)
def read_phone(text: str, district: str | None = None) -> str | None:
    """One number as E.164 (``+916742345678``, ``+918023456789;ext=12``), or None."""
    text = text.strip()
    extension = None
    found = _EXTENSION.search(text)
    if found:
        extension = found.group(1)
        text = text[: found.start()]
    if not text or not _ALLOWED.fullmatch(text):
        return None
    digits = "".join(_DIGITS.findall(text))
    mobile = _mobile(text, digits)
    if mobile is not None:
        return f"{mobile};ext={extension}" if extension else mobile
    std = std_code_for(district)
    if text.startswith("+") or (len(digits) == 12 and digits.startswith("91")):
        digits = "+" + digits  # with the country code, its plus written or not
    elif (
        std is not None
        and not digits.startswith("0")
        and len(std) + len(digits) == NATIONAL_NUMBER_DIGITS
        and digits[0] not in "6789"
    ):
        digits = std + digits  # a landline written without its STD code
    try:
        number = phonenumbers.parse(digits, "IN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={extension}" if extension else e164


def _mobile(text: str, digits: str) -> str | None:
    """A mobile number in one of its usual spellings, read without the full numbering
    plan (most cells hold one): 10 digits from 6-9 (National Numbering Plan 2003),
    behind +91, 91 or a trunk 0."""
    national = digits
    if text.startswith("+"):
        national = digits[2:] if digits.startswith("91") else ""
    elif len(digits) == 12 and digits.startswith("91"):
        national = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        national = digits[1:]
    if len(national) == NATIONAL_NUMBER_DIGITS and national[0] in "6789":
        return "+91" + national
    return None


def read_phones(cell: str | None, district: str | None = None) -> ReadPhones:
    """Every number in a cell, in the order written; the parts that are not numbers."""
    numbers: list[str] = []
    unreadable: list[str] = []
    for part in _NUMBER_SEPARATOR.split(cell or ""):
        if not part.strip():
            continue
        number = read_phone(part, district)
        if number is None:
            unreadable.append(part.strip())
        elif number not in numbers:
            numbers.append(number)
    return ReadPhones(tuple(numbers), tuple(unreadable))


def phone_for_display(e164: str) -> str:
    """``+919876543210`` -> ``+91 98765 43210`` (the international format)."""
    base, _, extension = e164.partition(";ext=")
    try:
        number = phonenumbers.parse(base, None)
    except phonenumbers.NumberParseException:
        return e164
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{shown} ext. {extension}" if extension else shown
