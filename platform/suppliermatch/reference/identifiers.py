"""Indian business identifiers: GSTIN, PAN, Udyam registration number, PIN code.

Every validator normalises what a person typed (surrounding spaces, lower case) and
either returns the clean value or raises ``IdentifierError`` whose message says exactly
what is wrong, so a form or a spreadsheet import can show it next to the field.
Only ASCII letters and digits count: ``str.isdigit`` would accept Devanagari or
superscript digits, which no registry issues.
"""

import re
from collections.abc import Mapping
from types import MappingProxyType


class IdentifierError(ValueError):
    """A value is not a well-formed identifier; ``message`` is fit to show the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# GST state codes: the first two digits of a GSTIN. Source: GSTN / CBIC state code
# list used on the GST portal. 25 (Daman and Diu) was merged into 26 on 26 January
# 2020 but GSTINs issued under it still appear in old records, so it stays valid.
# Deliberately absent: 28 (Andhra Pradesh before its 2014 division; GST began in 2017
# and Andhra Pradesh registrations use 37) and 99 (Centre Jurisdiction, not a state).
GST_STATE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "01": "Jammu and Kashmir",
        "02": "Himachal Pradesh",
        "03": "Punjab",
        "04": "Chandigarh",
        "05": "Uttarakhand",
        "06": "Haryana",
        "07": "Delhi",
        "08": "Rajasthan",
        "09": "Uttar Pradesh",
        "10": "Bihar",
        "11": "Sikkim",
        "12": "Arunachal Pradesh",
        "13": "Nagaland",
        "14": "Manipur",
        "15": "Mizoram",
        "16": "Tripura",
        "17": "Meghalaya",
        "18": "Assam",
        "19": "West Bengal",
        "20": "Jharkhand",
        "21": "Odisha",
        "22": "Chhattisgarh",
        "23": "Madhya Pradesh",
        "24": "Gujarat",
        "25": "Daman and Diu",
        "26": "Dadra and Nagar Haveli and Daman and Diu",
        "27": "Maharashtra",
        "29": "Karnataka",
        "30": "Goa",
        "31": "Lakshadweep",
        "32": "Kerala",
        "33": "Tamil Nadu",
        "34": "Puducherry",
        "35": "Andaman and Nicobar Islands",
        "36": "Telangana",
        "37": "Andhra Pradesh",
        "38": "Ladakh",
        "97": "Other Territory",
    }
)

# State letters in a Udyam Registration Number (UDYAM-XX-00-0000000). Source: the
# codes the Ministry of MSME's Udyam portal (udyamregistration.gov.in) prints on
# certificates; they are not the vehicle-registration codes: Karnataka is KR, Odisha
# OD, Telangana TS, Uttarakhand UK. The merged UT of Dadra and Nagar Haveli and Daman
# and Diu keeps both of its former codes. Check new codes against the portal.
UDYAM_STATE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "AN": "Andaman and Nicobar Islands",
        "AP": "Andhra Pradesh",
        "AR": "Arunachal Pradesh",
        "AS": "Assam",
        "BR": "Bihar",
        "CG": "Chhattisgarh",
        "CH": "Chandigarh",
        "DD": "Dadra and Nagar Haveli and Daman and Diu",
        "DL": "Delhi",
        "DN": "Dadra and Nagar Haveli and Daman and Diu",
        "GA": "Goa",
        "GJ": "Gujarat",
        "HP": "Himachal Pradesh",
        "HR": "Haryana",
        "JH": "Jharkhand",
        "JK": "Jammu and Kashmir",
        "KL": "Kerala",
        "KR": "Karnataka",
        "LA": "Ladakh",
        "LD": "Lakshadweep",
        "MH": "Maharashtra",
        "ML": "Meghalaya",
        "MN": "Manipur",
        "MP": "Madhya Pradesh",
        "MZ": "Mizoram",
        "NL": "Nagaland",
        "OD": "Odisha",
        "PB": "Punjab",
        "PY": "Puducherry",
        "RJ": "Rajasthan",
        "SK": "Sikkim",
        "TN": "Tamil Nadu",
        "TR": "Tripura",
        "TS": "Telangana",
        "UK": "Uttarakhand",
        "UP": "Uttar Pradesh",
        "WB": "West Bengal",
    }
)

# The fourth character of a PAN says what kind of holder it is. Source: Income Tax
# Department, "Permanent Account Number (PAN)" structure. E (limited liability
# partnership) is on several published lists but not every official one; it is
# accepted so that a real LLP is never refused.
PAN_HOLDER_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "A": "association of persons",
        "B": "body of individuals",
        "C": "company",
        "E": "limited liability partnership",
        "F": "firm",
        "G": "government agency",
        "H": "Hindu undivided family",
        "J": "artificial juridical person",
        "L": "local authority",
        "P": "individual",
        "T": "trust",
    }
)

# GSTIN check character (GSTN's published Luhn mod 36 variant): over the first 14
# characters, each character's index in this alphabet is multiplied alternately by 1
# and 2 (first by 1); each product adds ``product // 36 + product % 36``; the check
# index is ``(36 - total % 36) % 36``.
GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GSTIN_LENGTH = 15
PAN_LENGTH = 10

_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_DIGITS = frozenset("0123456789")
_ALPHABET_INDEX = {char: index for index, char in enumerate(GSTIN_ALPHABET)}
_UDYAM_PATTERN = re.compile(r"UDYAM-([A-Z]{2})-([0-9]{2})-([0-9]{7})", re.ASCII)
_UDYAM_FORMAT = "UDYAM-XX-00-0000000"


def _clean(value: object, field: str, label: str) -> str:
    if value is None:
        raise IdentifierError(field, f"{label} is required")
    if not isinstance(value, str):
        raise IdentifierError(field, f"{label} must be text, got {type(value).__name__}")
    cleaned = value.strip().upper()
    if not cleaned:
        raise IdentifierError(field, f"{label} is required")
    return cleaned


def _shown(char: str) -> str:
    """A character as it can be shown in a message, even when it is invisible."""
    return char if char.isprintable() and not char.isspace() else repr(char)


def gstin_check_character(first_fourteen: str) -> str:
    """The check character that completes a GSTIN whose first 14 characters are given."""
    if not isinstance(first_fourteen, str) or len(first_fourteen) != GSTIN_LENGTH - 1:
        raise IdentifierError("gstin", "a GSTIN check character needs exactly 14 characters")
    total = 0
    for position, char in enumerate(first_fourteen.upper()):
        index = _ALPHABET_INDEX.get(char)
        if index is None:
            raise IdentifierError(
                "gstin", f"GSTIN may contain only letters and digits, got {_shown(char)}"
            )
        product = index * (1 if position % 2 == 0 else 2)
        total += product // 36 + product % 36
    return GSTIN_ALPHABET[(36 - total % 36) % 36]


def _pan_problem(pan: str, describe_position) -> str | None:
    """What is wrong with a 10-character PAN, or None. Positions are 0-based here."""
    for position, char in enumerate(pan):
        if position < 5 or position == 9:
            if char not in _ASCII_LETTERS:
                return f"{describe_position(position)} should be a letter, got {_shown(char)}"
        elif char not in _ASCII_DIGITS:
            return f"{describe_position(position)} should be a digit, got {_shown(char)}"
    if pan[3] not in PAN_HOLDER_TYPES:
        kinds = ", ".join(PAN_HOLDER_TYPES)
        return (
            f"{describe_position(3)} is the PAN holder type and must be one of {kinds}, "
            f"got {pan[3]}"
        )
    return None


def validate_pan(value: object, *, field: str = "pan") -> str:
    """A PAN: 5 letters, 4 digits, 1 letter; the fourth letter is the holder type."""
    pan = _clean(value, field, "PAN")
    if len(pan) != PAN_LENGTH:
        raise IdentifierError(field, f"PAN must be {PAN_LENGTH} characters, got {len(pan)}")
    problem = _pan_problem(pan, lambda position: f"PAN character {position + 1}")
    if problem:
        raise IdentifierError(field, problem)
    return pan


def validate_gstin(value: object, *, field: str = "gstin") -> str:
    """A GSTIN: state code, PAN, entity number, a letter (Z by default), check character."""
    gstin = _clean(value, field, "GSTIN")
    if len(gstin) != GSTIN_LENGTH:
        raise IdentifierError(field, f"GSTIN must be {GSTIN_LENGTH} characters, got {len(gstin)}")
    for char in gstin:
        if char not in _ALPHABET_INDEX:
            raise IdentifierError(
                field, f"GSTIN may contain only letters and digits, got {_shown(char)}"
            )
    state_code = gstin[:2]
    if not set(state_code) <= _ASCII_DIGITS:
        raise IdentifierError(
            field, f"GSTIN must start with a 2-digit state code, got {state_code}"
        )
    if state_code not in GST_STATE_CODES:
        raise IdentifierError(field, f"state code {state_code} is not a GST state code")
    problem = _pan_problem(
        gstin[2:12], lambda position: f"GSTIN character {position + 3} (part of the PAN)"
    )
    if problem:
        raise IdentifierError(field, problem)
    if gstin[12] == "0":
        raise IdentifierError(
            field, "GSTIN character 13 is the registration number under the PAN: 1-9 or A-Z, got 0"
        )
    expected = gstin_check_character(gstin[:14])
    if gstin[14] != expected:
        raise IdentifierError(field, f"GSTIN check character should be {expected}, got {gstin[14]}")
    return gstin


def pan_from_gstin(value: object, *, field: str = "gstin") -> str:
    """The PAN inside a valid GSTIN (characters 3 to 12)."""
    return validate_gstin(value, field=field)[2:12]


def gst_state_name(value: object, *, field: str = "gstin") -> str:
    """The state or union territory a valid GSTIN is registered in."""
    return GST_STATE_CODES[validate_gstin(value, field=field)[:2]]


def validate_udyam(value: object, *, field: str = "udyam") -> str:
    """A Udyam Registration Number: UDYAM-XX-00-0000000 (state letters, district, serial)."""
    udyam = _clean(value, field, "Udyam number")
    match = _UDYAM_PATTERN.fullmatch(udyam)
    if match is None:
        raise IdentifierError(
            field, f"Udyam number must look like {_UDYAM_FORMAT}, got {udyam[:40]}"
        )
    state_letters = match.group(1)
    if state_letters not in UDYAM_STATE_CODES:
        raise IdentifierError(
            field, f"{state_letters} is not a Udyam state code (e.g. MH, KR, TN, OD)"
        )
    return udyam


def validate_pincode(value: object, *, field: str = "pincode") -> str:
    """An Indian PIN code: 6 digits, the first 1-9."""
    pincode = _clean(value, field, "PIN code")
    if not set(pincode) <= _ASCII_DIGITS:
        raise IdentifierError(field, f"PIN code may contain only digits, got {pincode[:20]}")
    if len(pincode) != 6:
        raise IdentifierError(field, f"PIN code must be 6 digits, got {len(pincode)} digits")
    if pincode[0] == "0":
        raise IdentifierError(field, "PIN code cannot start with 0")
    return pincode
