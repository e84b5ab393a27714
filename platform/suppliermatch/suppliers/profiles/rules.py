"""What makes a supplier profile's values acceptable: pure functions, no database.

The profile form, the JSON API, the spreadsheet import and the demo seed all pass their
values through here, so a GSTIN, a PIN code or a negative capacity is judged the same way
whichever door it came in by. Each function returns the cleaned values and, separately,
every problem found (field -> message), so that a form or an import report can show all
of them at once instead of the first.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from suppliermatch.dates import today_in_india
from suppliermatch.reference.enterprise_class import classify_enterprise
from suppliermatch.reference.geo import coordinates_for_pincode
from suppliermatch.reference.identifiers import (
    GST_STATE_CODES,
    UDYAM_STATE_CODES,
    IdentifierError,
    validate_gstin,
    validate_pincode,
    validate_udyam,
)
from suppliermatch.reference.phones import read_phones
from suppliermatch.reference.taxonomy import default_taxonomy

# India's mainland and islands lie within about 6-38 deg N and 68-98 deg E (Survey of
# India); a coordinate outside is a swapped or mistyped pair, not a supplier.
INDIA_LATITUDE = (6.0, 38.0)
INDIA_LONGITUDE = (68.0, 98.0)
# The oldest Indian engineering firms date from the mid-19th century.
EARLIEST_YEAR_ESTABLISHED = 1850
MAX_EMPLOYEES = 1_000_000
# Rs 1 lakh crore: beyond any MSME and most large firms, so a typo rather than a figure.
MAX_RUPEES = 10**12
MAX_EQUIPMENT_COUNT = 10_000
MAX_MATERIALS = 20
# A phone cell holds at most this many numbers (the column keeps them in E.164,
# separated by PHONE_SEPARATOR).
MAX_PHONES = 3
PHONE_SEPARATOR = ", "
# Fields of contact and address, not identity: a value that cannot be read is dropped
# with a warning by a bulk import (a foreign parent's 5-digit ZIP in the PIN column costs
# the PIN, not the supplier), where an identifier's problem refuses the row.
CONTACT_FIELDS = ("phone", "email", "pincode")

# Fields a person may set on a profile; everything else is derived or system-owned.
PROFILE_FIELDS = (
    "legal_name",
    "trade_name",
    "gstin",
    "udyam_number",
    "investment_inr",
    "turnover_inr",
    "year_established",
    "employees",
    "contact_name",
    "email",
    "phone",
    "address",
    "pincode",
    "district",
    "state",
    "lat",
    "lon",
    "about",
    "categories",
    "is_public",
)
TEXT_LIMITS = {
    "legal_name": 200,
    "trade_name": 200,
    "contact_name": 160,
    "address": 400,
    "district": 80,
    "about": 4000,
    "email": 254,
}
# What a person may type in the phone field (the column stores the E.164 reading).
PHONE_INPUT_LIMIT = 120
CAPABILITY_TEXT_LIMITS = {"description": 2000, "capacity_unit": 20}


@dataclass(frozen=True)
class NumberRange:
    low: float
    high: float | Callable[[], float]
    integer: bool = False
    low_open: bool = False  # the low end itself is not allowed (a tolerance of 0 mm)


PROFILE_NUMBERS = {
    "investment_inr": NumberRange(0, MAX_RUPEES, integer=True),
    "turnover_inr": NumberRange(0, MAX_RUPEES, integer=True),
    "employees": NumberRange(0, MAX_EMPLOYEES, integer=True),
    "year_established": NumberRange(
        EARLIEST_YEAR_ESTABLISHED, lambda: today_in_india().year, integer=True
    ),
    "lat": NumberRange(*INDIA_LATITUDE),
    "lon": NumberRange(*INDIA_LONGITUDE),
}
CAPABILITY_NUMBERS = {
    # A tolerance finer than a micrometre or coarser than 100 mm is a unit mistake.
    "best_tolerance_mm": NumberRange(0, 100, low_open=True),
    "max_part_size_mm": NumberRange(0, 100_000, low_open=True),
    "capacity_per_month": NumberRange(0, 1e12),
}
EQUIPMENT_NUMBERS = {"count": NumberRange(1, MAX_EQUIPMENT_COUNT, integer=True)}
EQUIPMENT_TEXT_LIMITS = {"machine": 160, "make": 120}

# Old or informal names of states still found in spreadsheets -> the GST portal's name.
STATE_ALIASES = {
    "Orissa": "Odisha",
    "Pondicherry": "Puducherry",
    "Uttaranchal": "Uttarakhand",
    "J&K": "Jammu and Kashmir",
    "Andaman & Nicobar": "Andaman and Nicobar Islands",
}


_NOT_A_LETTER = re.compile(r"[^a-z]")


def _state_key(text: str) -> str:
    return _NOT_A_LETTER.sub("", text.casefold().replace("&", "and"))


_STATE_NAMES = {_state_key(name): name for name in set(GST_STATE_CODES.values())}
_STATE_NAMES.update({_state_key(alias): name for alias, name in STATE_ALIASES.items()})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+", re.ASCII)
_PHONE_CHARACTERS = re.compile(r"[0-9+\-() ]+", re.ASCII)

Problems = dict[str, str]


def canonical_state(text: str) -> str | None:
    """The GST portal's spelling of a state or union territory, or None if unknown."""
    return _STATE_NAMES.get(_state_key(text))


def _text(clean: dict, problems: Problems, field: str, value, limit: int, *, minimum=0):
    if value is None:
        clean[field] = None
        return
    if not isinstance(value, str):
        problems[field] = "must be text"
        return
    value = " ".join(value.split()) if field != "about" else value.strip()
    if len(value) < minimum:
        problems[field] = f"must have at least {minimum} characters"
    elif len(value) > limit:
        problems[field] = f"must have at most {limit} characters, got {len(value)}"
    else:
        clean[field] = value or None


def _numbers(clean: dict, problems: Problems, values: Mapping, ranges: dict) -> None:
    for field, allowed in ranges.items():
        if field in values:
            _number(clean, problems, field, values[field], allowed)


def _number(clean: dict, problems: Problems, field: str, value, allowed: NumberRange) -> None:
    if value is None:
        clean[field] = None
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems[field] = "must be a number"
        return
    if allowed.integer and not float(value).is_integer():
        problems[field] = "must be a whole number"
        return
    high = allowed.high() if callable(allowed.high) else allowed.high
    low = allowed.low
    if value != value or value < low or (allowed.low_open and value == low):
        bound = "greater than" if allowed.low_open else "at least"
        problems[field] = f"must be {bound} {low:g}, got {value:g}"
    elif value > high:
        problems[field] = f"must be at most {high:g}, got {value:g}"
    else:
        clean[field] = int(value) if allowed.integer else float(value)


def _identifier(clean, problems, field, value, validator):
    if value is None or (isinstance(value, str) and not value.strip()):
        clean[field] = None
        return
    try:
        clean[field] = validator(value, field=field)
    except IdentifierError as error:
        problems[field] = error.message


def clean_categories(values, problems: Problems, field: str = "categories") -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple):
        problems[field] = "must be a list of category names"
        return []
    taxonomy = default_taxonomy()
    cleaned: list[str] = []
    for value in values:
        slug = value.strip().lower() if isinstance(value, str) else value
        if not isinstance(slug, str) or not taxonomy.has_category(slug):
            known = ", ".join(c.slug for c in taxonomy.categories)
            problems[field] = f"unknown category {value!r} (known: {known})"
            return []
        if slug not in cleaned:
            cleaned.append(slug)
    return cleaned


def clean_profile(values: Mapping, *, current: Mapping | None = None) -> tuple[dict, Problems]:
    """Clean the profile fields present in ``values``; derive PAN, class, state, coordinates.

    ``current`` holds the profile's stored values on an update, so that cross-field rules
    (GSTIN state against the stated state, class from investment and turnover) see the
    whole profile. Only fields in ``values`` and the ones derived from them are returned.
    """
    clean: dict = {}
    problems: Problems = {}
    for field, limit in TEXT_LIMITS.items():
        if field in values:
            _text(clean, problems, field, values[field], limit, minimum=2 * (field == "legal_name"))
    if "legal_name" in values and clean.get("legal_name") is None and "legal_name" not in problems:
        problems["legal_name"] = "is required"
    if clean.get("email") and not _EMAIL.fullmatch(clean["email"]):
        problems["email"] = "is not an e-mail address"
    if "phone" in values:
        district = values.get("district") or (current or {}).get("district")
        _phone(clean, problems, values["phone"], district)
    if "gstin" in values:
        _identifier(clean, problems, "gstin", values["gstin"], validate_gstin)
        if "gstin" in clean:
            clean["pan"] = clean["gstin"][2:12] if clean["gstin"] else None
    if "udyam_number" in values:
        _identifier(clean, problems, "udyam_number", values["udyam_number"], validate_udyam)
    if "pincode" in values:
        _identifier(clean, problems, "pincode", values["pincode"], validate_pincode)
    if "state" in values:
        _state(clean, problems, values["state"])
    _numbers(clean, problems, values, PROFILE_NUMBERS)
    if "categories" in values:
        clean["categories"] = clean_categories(values["categories"], problems)
    if "is_public" in values:
        if isinstance(values["is_public"], bool):
            clean["is_public"] = values["is_public"]
        else:
            problems["is_public"] = "must be true or false"
    _derive(clean, problems, values, current or {})
    return clean, problems


def _phone(clean: dict, problems: Problems, value, district) -> None:
    """Every number in the cell, in E.164 (``+919876543210``); a landline written without
    its STD code takes the district's."""
    if value is None or (isinstance(value, str) and not value.strip()):
        clean["phone"] = None
        return
    if not isinstance(value, str):
        problems["phone"] = "must be text"
        return
    if len(value) > PHONE_INPUT_LIMIT:
        problems["phone"] = f"must have at most {PHONE_INPUT_LIMIT} characters, got {len(value)}"
        return
    read = read_phones(value, district if isinstance(district, str) else None)
    if read.unreadable:
        problems["phone"] = (
            f"{read.unreadable[0][:30]!r} is not an Indian phone number (write a 10-digit "
            "mobile, or a landline with its STD code, e.g. 0674 2345678)"
        )
    elif len(read.numbers) > MAX_PHONES:
        problems["phone"] = f"at most {MAX_PHONES} numbers, got {len(read.numbers)}"
    else:
        clean["phone"] = PHONE_SEPARATOR.join(read.numbers)


def _state(clean: dict, problems: Problems, value) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        clean["state"] = None
        return
    state = canonical_state(value) if isinstance(value, str) else None
    if state is None:
        problems["state"] = f"{str(value)[:40]!r} is not an Indian state or union territory"
    else:
        clean["state"] = state


def _derive(clean: dict, problems: Problems, values: Mapping, current: Mapping) -> None:
    def now(field):
        return clean[field] if field in clean else current.get(field)

    gstin, udyam, state = now("gstin"), now("udyam_number"), now("state")
    if gstin and not state and "state" not in problems:
        clean["state"] = state = GST_STATE_CODES[gstin[:2]]
    if state and not problems.keys() & {"gstin", "udyam_number", "state"}:
        # The problem goes on the field that was changed, or on the identifier.
        if gstin and GST_STATE_CODES[gstin[:2]] != state:
            field = "gstin" if "gstin" in clean or "state" not in clean else "state"
            problems[field] = (
                f"the GSTIN is registered in {GST_STATE_CODES[gstin[:2]]} "
                f"(code {gstin[:2]}), but the state is {state}"
            )
        if udyam and UDYAM_STATE_CODES[udyam[6:8]] != state:
            field = "udyam_number" if "udyam_number" in clean or "state" not in clean else "state"
            problems.setdefault(
                field,
                f"the Udyam number is registered in {UDYAM_STATE_CODES[udyam[6:8]]} "
                f"({udyam[6:8]}), but the state is {state}",
            )

    if {"investment_inr", "turnover_inr"} & set(clean):
        investment, turnover = now("investment_inr"), now("turnover_inr")
        both = investment is not None and turnover is not None
        clean["enterprise_class"] = classify_enterprise(investment, turnover) if both else None

    # Coordinates: as given, else the PIN code's centroid when the PIN code changes.
    given = {field for field in ("lat", "lon") if values.get(field) is not None}
    if given:
        if len(given) == 1:
            problems.setdefault("lat", "give both latitude and longitude, or neither")
    elif clean.get("pincode") and "pincode" not in problems:
        located = coordinates_for_pincode(clean["pincode"])
        clean["lat"], clean["lon"] = located if located else (None, None)


def clean_capability(values: Mapping, *, current: Mapping | None = None) -> tuple[dict, Problems]:
    """A capability: category and process from the taxonomy, parameters in range."""
    clean: dict = {}
    problems: Problems = {}
    taxonomy = default_taxonomy()
    for field, limit in CAPABILITY_TEXT_LIMITS.items():
        if field in values:
            _text(clean, problems, field, values[field], limit)
    if "description" in clean:
        clean["description"] = clean["description"] or ""
    if "process" in values and values["process"] not in (None, ""):
        slug = values["process"]
        if isinstance(slug, str) and taxonomy.has_process(slug.strip().lower()):
            clean["process"] = slug.strip().lower()
        else:
            problems["process"] = f"unknown process {slug!r}"
    elif "process" in values:
        clean["process"] = None
    if "category" in values:
        category = values["category"]
        slug = category.strip().lower() if isinstance(category, str) else None
        if slug and taxonomy.has_category(slug):
            clean["category"] = slug
        elif category in (None, "") and clean.get("process"):
            clean["category"] = taxonomy.process(clean["process"]).category
        else:
            known = ", ".join(c.slug for c in taxonomy.categories)
            problems["category"] = f"unknown category {category!r} (known: {known})"
    category = clean.get("category", (current or {}).get("category"))
    if clean.get("process") and category and "category" not in problems:
        process_category = taxonomy.process(clean["process"]).category
        if process_category != category:
            problems["process"] = (
                f"{clean['process']} belongs to {process_category}, not {category}"
            )
    _numbers(clean, problems, values, CAPABILITY_NUMBERS)
    if "materials" in values:
        _materials(clean, problems, values["materials"])
    return clean, problems


def _materials(clean: dict, problems: Problems, values) -> None:
    if values is None:
        clean["materials"] = []
        return
    if isinstance(values, str) or not isinstance(values, list | tuple):
        problems["materials"] = "must be a list of materials"
    elif len(values) > MAX_MATERIALS:
        problems["materials"] = f"at most {MAX_MATERIALS} materials"
    elif not all(isinstance(v, str) and 0 < len(v.strip()) <= 60 for v in values):
        problems["materials"] = "each material must be text of 1 to 60 characters"
    else:
        clean["materials"] = list(dict.fromkeys(v.strip() for v in values))


def clean_equipment(values: Mapping) -> tuple[dict, Problems]:
    clean: dict = {}
    problems: Problems = {}
    for field, limit in EQUIPMENT_TEXT_LIMITS.items():
        if field in values:
            _text(clean, problems, field, values[field], limit, minimum=int(field == "machine"))
    if "machine" in values and clean.get("machine") is None and "machine" not in problems:
        problems["machine"] = "is required"
    _numbers(clean, problems, values, EQUIPMENT_NUMBERS)
    return clean, problems
