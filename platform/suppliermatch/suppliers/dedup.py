"""Find enterprises registered more than once, with the evidence a coordinator can check.

The same MSME often arrives twice: once from a cluster's spreadsheet, once by signing
up; the name spelled differently ("Sri Industries Private Limited" and "Shri
Industries Pvt. Ltd."), the GSTIN left out, the phone written another way. Pairs are
found without comparing every record with every other:

* records that share an identifier or contact (GSTIN, PAN, Udyam number, phone,
  e-mail) are compared with each other;
* within a place (district, or PIN code) records whose names share a leading
  fragment are compared by name, and pairs whose names are alike are kept.

Each kept pair is then scored from all the evidence at once. Every clue adds or
subtracts a weight in bits (log2 of how much likelier it is for a duplicate than for
two different enterprises that happen to land in the same block); the score is the
resulting probability. The weights are judgement, not fitted to data: a different PAN
rules a pair out (one PAN, one Udyam registration), a shared Udyam number or PAN
all but settles it, a shared phone or e-mail counts a lot, a place a little, and name
likeness carries the rest. Values shared by many records (a consultant's phone, a
placeholder GSTIN, a free-mail domain) are not evidence and do not form blocks.
"""

import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# -- what counts as a likely duplicate ------------------------------------------------

# Pairs at or above this score are reported as likely duplicates; the benchmarks
# count them as predictions.
LIKELY_DUPLICATE_SCORE = 0.9
# Pairs at or above this score are worth a coordinator's look.
REVIEW_SCORE = 0.5

# -- evidence weights, in bits --------------------------------------------------------

# Two records in the same block start unlikely to be one enterprise.
PRIOR_BITS = -6.0
SAME_GSTIN_BITS = 14.0
SAME_PAN_BITS = 12.0
# Udyam registration is one per PAN, so two PANs are two enterprises.
DIFFERENT_PAN_BITS = -14.0
SAME_UDYAM_BITS = 12.0
DIFFERENT_UDYAM_BITS = -6.0
# An identifier one keystroke away from another is more likely a typing slip than a
# different registration.
NEAR_IDENTIFIER_BITS = 4.0
SAME_PHONE_BITS = 7.0
DIFFERENT_PHONE_BITS = -1.0
SAME_EMAIL_BITS = 7.0
SAME_EMAIL_DOMAIN_BITS = 3.0
SAME_PINCODE_BITS = 2.0
SAME_DISTRICT_BITS = 1.0
DIFFERENT_STATE_BITS = -2.0
# An LLP and a company are different legal persons, even under the same trade name.
LEGAL_FORM_CONFLICT_BITS = -3.0
# Name likeness (rapidfuzz ratio of the normalised names, 0-100) -> bits; the first
# band the likeness reaches applies.
NAME_LIKENESS_BITS: tuple[tuple[float, float], ...] = (
    (100.0, 6.0),
    (95.0, 5.0),
    (90.0, 4.0),
    (85.0, 2.0),
    (75.0, 0.0),
    (60.0, -3.0),
    (0.0, -8.0),
)

# -- blocking -----------------------------------------------------------------------

# Names in the same place are compared in full only when at least this alike.
NAME_BLOCK_CUTOFF = 80.0
# A value held by more records than this is a placeholder or shared by unrelated
# enterprises (a consultant's phone), not evidence of sameness.
MAX_RECORDS_SHARING_IDENTIFIER = 25
MAX_RECORDS_SHARING_CONTACT = 5
# Rows of a large name block compared in one rapidfuzz call (bounds memory).
_CDIST_CHUNK = 1024

# Addresses anyone can get: the same domain says nothing about the enterprise.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "rediff.com",
        "rediffmail.com",
        "yahoo.co.in",
        "yahoo.com",
        "yahoo.in",
        "ymail.com",
        "zohomail.in",
    }
)

# -- name normalisation ---------------------------------------------------------------

# Legal-form endings, as token sequences after punctuation is removed ("(P) Ltd." ->
# "p ltd"), mapped to the legal form they declare (None: says nothing about it).
_LEGAL_SUFFIXES: tuple[tuple[tuple[str, ...], str | None], ...] = tuple(
    sorted(
        [
            (("private", "limited"), "company"),
            (("private", "ltd"), "company"),
            (("pvt", "limited"), "company"),
            (("pvt", "ltd"), "company"),
            (("p", "ltd"), "company"),
            (("p", "limited"), "company"),
            (("pvt",), "company"),
            (("limited",), "company"),
            (("ltd",), "company"),
            (("opc",), "company"),
            (("one", "person", "company"), "company"),
            (("llp",), "llp"),
            (("limited", "liability", "partnership"), "llp"),
            (("and", "co"), None),
            (("and", "company"), None),
            (("co",), None),
            (("company",), None),
            (("india",), None),
        ],
        key=lambda suffix: -len(suffix[0]),
    )
)
# The same suffixes looked up by their last word, longest first, so that a name is
# only tried against the few suffixes that could end it.
_SUFFIXES_BY_LAST_WORD: dict[str, list[tuple[tuple[str, ...], str | None]]] = {}
for _words, _form in _LEGAL_SUFFIXES:
    _SUFFIXES_BY_LAST_WORD.setdefault(_words[-1], []).append((_words, _form))
_LONG_SUFFIX_WORDS = frozenset(
    word for words, _ in _LEGAL_SUFFIXES for word in words if len(word) >= 6
)
_LEADING_NOISE: tuple[tuple[str, ...], ...] = (("m", "s"), ("ms",), ("messrs",), ("the",))
# Abbreviations and spellings of the same word in enterprise names.
_WORD_VARIANTS = {
    "shree": "sri",
    "shri": "sri",
    "sree": "sri",
    "shre": "sri",
    "engg": "engineering",
    "eng": "engineering",
    "engineerings": "engineering",
    "ind": "industries",
    "inds": "industries",
    "indus": "industries",
    "industry": "industries",
    "mfg": "manufacturing",
    "mfrs": "manufacturers",
    "tech": "technologies",
    "techno": "technologies",
    "technology": "technologies",
    "lab": "labs",
    "laboratory": "labs",
    "laboratories": "labs",
    "wks": "works",
    "corp": "corporation",
    "corpn": "corporation",
    "intl": "international",
    "ent": "enterprises",
    "entp": "enterprises",
    "enterprise": "enterprises",
    "sys": "systems",
    "system": "systems",
    "eqpt": "equipment",
    "equip": "equipment",
    "equipments": "equipment",
    "fabricator": "fabricators",
    "mech": "mechanical",
    "elec": "electricals",
    "electrical": "electricals",
    "svcs": "services",
    "service": "services",
    "prods": "products",
    "pdts": "products",
    "bros": "brothers",
    "assoc": "associates",
    "laxmi": "lakshmi",
    "mahalaxmi": "mahalakshmi",
}
_NON_WORD = re.compile(r"[\W_]+")
_PAN_SHAPE = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]", re.ASCII)
_GSTIN_SHAPE = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]{3}", re.ASCII)
_UDYAM_SHAPE = re.compile(r"UDYAM-[A-Z]{2}-[0-9]{2}-[0-9]{7}", re.ASCII)


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    """What the detector reads about one supplier; every field but id and name optional."""

    id: Hashable
    name: str
    gstin: str | None = None
    pan: str | None = None
    udyam: str | None = None
    pincode: str | None = None
    district: str | None = None
    state: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two records that may be one enterprise; ``first_id`` comes first in the input."""

    first_id: Hashable
    second_id: Hashable
    score: float
    evidence: tuple[str, ...]

    @property
    def likely(self) -> bool:
        return self.score >= LIKELY_DUPLICATE_SCORE


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """A name reduced to what identifies the enterprise, and the legal form it declares."""

    written: str  # words in written order
    key: str  # words sorted, so that word order does not matter
    tokens: tuple[str, ...]
    legal_form: str | None


def _suffix_word(token: str) -> str:
    """A long legal-suffix word with one slip of the keyboard, spelled right ("priavte")."""
    if len(token) < 6 or token in _LONG_SUFFIX_WORDS:
        return token
    for word in _LONG_SUFFIX_WORDS:
        if OSA.distance(token, word, score_cutoff=1) <= 1:
            return word
    return token


def normalise_name(name: str) -> NormalisedName:
    """Lower-case, without punctuation, legal suffixes or honorific spellings."""
    folded = name or ""
    if not folded.isascii():  # strip accents; other scripts are kept as they are
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(char for char in folded if not unicodedata.combining(char))
    tokens = _NON_WORD.sub(" ", folded.casefold().replace("&", " and ")).split()
    for noise in _LEADING_NOISE:
        if len(tokens) > len(noise) and tuple(tokens[: len(noise)]) == noise:
            tokens = tokens[len(noise) :]
            break
    tokens[-2:] = [_suffix_word(token) for token in tokens[-2:]]
    legal_form = None
    while tokens and tokens[-1] in _SUFFIXES_BY_LAST_WORD:
        for suffix, form in _SUFFIXES_BY_LAST_WORD[tokens[-1]]:
            if len(tokens) > len(suffix) and tuple(tokens[-len(suffix) :]) == suffix:
                tokens = tokens[: -len(suffix)]
                legal_form = legal_form or form
                break
        else:
            break
    words = tuple(_WORD_VARIANTS.get(word, word) for word in tokens if word != "and")
    return NormalisedName(
        written=" ".join(words), key=" ".join(sorted(words)), tokens=words, legal_form=legal_form
    )


# -- identifiers and contacts as the detector compares them ---------------------------


def _identifier(value: str | None, shape: re.Pattern[str]) -> str | None:
    if not value:
        return None
    cleaned = "".join(value.split()).upper()
    return cleaned if shape.fullmatch(cleaned) else None


def normalise_phone(phone: str | None) -> str | None:
    """Digits a phone number is dialled with inside India, without +91 or a leading 0."""
    if not phone:
        return None
    digits = re.sub(r"[^0-9]", "", phone)
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits if 6 <= len(digits) <= 12 else None


def _phone_for_display(digits: str) -> str:
    if len(digits) == 10 and digits[0] in "6789":
        return f"+91 {digits[:5]} {digits[5:]}"
    return digits


def _email(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = value.strip().lower()
    local, at, domain = cleaned.rpartition("@")
    return cleaned if at and local and "." in domain else None


def _place(value: str | None) -> str | None:
    cleaned = _NON_WORD.sub(" ", (value or "").casefold()).strip()
    return cleaned or None


@dataclass(slots=True)
class _Prepared:
    index: int
    record: SupplierRecord
    name: NormalisedName
    gstin: str | None
    pan: str | None
    udyam: str | None
    phone: str | None
    email: str | None
    email_domain: str | None
    pincode: str | None
    district: str | None  # "state|district", since district names repeat across states
    state: str | None


def _prepare(index: int, record: SupplierRecord) -> _Prepared:
    gstin = _identifier(record.gstin, _GSTIN_SHAPE)
    pan = _identifier(record.pan, _PAN_SHAPE) or (gstin[2:12] if gstin else None)
    email = _email(record.email)
    domain = email.rpartition("@")[2] if email else None
    state = _place(record.state)
    district = _place(record.district)
    pincode = re.sub(r"[^0-9]", "", record.pincode or "")
    return _Prepared(
        index=index,
        record=record,
        name=normalise_name(record.name),
        gstin=gstin,
        pan=pan,
        udyam=_identifier(record.udyam, _UDYAM_SHAPE),
        phone=normalise_phone(record.phone),
        email=email,
        email_domain=domain if domain and domain not in FREE_MAIL_DOMAINS else None,
        pincode=pincode if len(pincode) == 6 else None,
        district=f"{state or ''}|{district}" if district else None,
        state=state,
    )


def _forget_common_values(prepared: Sequence[_Prepared]) -> None:
    """Treat a value held by too many records as unknown: it tells nothing apart."""
    limits = {field: MAX_RECORDS_SHARING_IDENTIFIER for field in ("gstin", "pan", "udyam")}
    limits.update({field: MAX_RECORDS_SHARING_CONTACT for field in ("phone", "email")})
    limits["email_domain"] = MAX_RECORDS_SHARING_CONTACT
    for field, limit in limits.items():
        counts = Counter(value for p in prepared if (value := getattr(p, field)) is not None)
        common = {value for value, count in counts.items() if count > limit}
        if common:
            for p in prepared:
                if getattr(p, field) in common:
                    setattr(p, field, None)


# -- scoring one pair -------------------------------------------------------------------


def _name_bits(likeness: float) -> float:
    for floor, bits in NAME_LIKENESS_BITS:
        if likeness >= floor:
            return bits
    return NAME_LIKENESS_BITS[-1][1]


def _near(a: str, b: str) -> bool:
    return OSA.distance(a, b, score_cutoff=1) <= 1


def _score_pair(a: _Prepared, b: _Prepared) -> DuplicatePair:
    bits = PRIOR_BITS
    evidence: list[str] = []

    if a.gstin and a.gstin == b.gstin:
        bits += SAME_GSTIN_BITS
        evidence.append(f"same GSTIN {a.gstin}")
    elif a.pan and b.pan:
        if a.pan == b.pan:
            bits += SAME_PAN_BITS
            evidence.append(f"same PAN {a.pan}")
        elif _near(a.pan, b.pan):
            bits += NEAR_IDENTIFIER_BITS
            evidence.append(f"PANs {a.pan} and {b.pan} differ by one character")
        else:
            bits += DIFFERENT_PAN_BITS
            evidence.append(f"different PANs {a.pan} and {b.pan}")

    if a.udyam and b.udyam:
        if a.udyam == b.udyam:
            bits += SAME_UDYAM_BITS
            evidence.append(f"same Udyam number {a.udyam}")
        elif _near(a.udyam, b.udyam):
            bits += NEAR_IDENTIFIER_BITS
            evidence.append(f"Udyam numbers {a.udyam} and {b.udyam} differ by one character")
        else:
            bits += DIFFERENT_UDYAM_BITS
            evidence.append(f"different Udyam numbers {a.udyam} and {b.udyam}")

    if a.phone and b.phone:
        if a.phone == b.phone:
            bits += SAME_PHONE_BITS
            evidence.append(f"same phone {_phone_for_display(a.phone)}")
        else:
            bits += DIFFERENT_PHONE_BITS
    if a.email and a.email == b.email:
        bits += SAME_EMAIL_BITS
        evidence.append(f"same email {a.email}")
    elif a.email_domain and a.email_domain == b.email_domain:
        bits += SAME_EMAIL_DOMAIN_BITS
        evidence.append(f"same email domain {a.email_domain}")

    # Sorting the words forgives a changed word order, but a typo in a word's first
    # letter can move it; whichever reading is closer counts.
    likeness = max(fuzz.ratio(a.name.key, b.name.key), fuzz.ratio(a.name.written, b.name.written))
    bits += _name_bits(likeness)
    if a.name.key == b.name.key:
        evidence.append("names identical after removing legal suffixes")
    else:
        evidence.append(f"names {likeness:.0f}% alike after removing legal suffixes")
    if {a.name.legal_form, b.name.legal_form} == {"company", "llp"}:
        bits += LEGAL_FORM_CONFLICT_BITS
        evidence.append("one is an LLP, the other a company")

    if a.pincode and a.pincode == b.pincode:
        bits += SAME_PINCODE_BITS
        evidence.append(f"same PIN code {a.pincode}")
    elif a.district and a.district == b.district:
        bits += SAME_DISTRICT_BITS
        evidence.append(f"same district {a.record.district.strip()}")
    elif a.state and b.state and a.state != b.state:
        bits += DIFFERENT_STATE_BITS
        evidence.append(f"different states ({a.record.state.strip()}, {b.record.state.strip()})")

    score = 1.0 / (1.0 + 2.0 ** (-bits))
    return DuplicatePair(
        first_id=a.record.id,
        second_id=b.record.id,
        score=round(score, 4),
        evidence=tuple(evidence),
    )


def compare_records(a: SupplierRecord, b: SupplierRecord) -> DuplicatePair:
    """Score one pair on its own (no values count as too common)."""
    return _score_pair(_prepare(0, a), _prepare(1, b))


# -- blocking ------------------------------------------------------------------------------


def _name_fragments(name: NormalisedName) -> set[str]:
    """Leading three letters of the first two words: a typo rarely hits both."""
    return {token[:3] for token in name.tokens[:2] if token}


def _exact_blocks(prepared: Sequence[_Prepared]) -> Iterable[list[int]]:
    for field in ("gstin", "pan", "udyam", "phone", "email"):
        groups: dict[str, list[int]] = defaultdict(list)
        for p in prepared:
            value = getattr(p, field)
            if value is not None:
                groups[value].append(p.index)
        yield from (members for members in groups.values() if len(members) > 1)


def _name_blocks(prepared: Sequence[_Prepared]) -> Iterable[list[int]]:
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in prepared:
        places = [place for place in (p.district, p.pincode) if place]
        for place in places:
            for fragment in _name_fragments(p.name):
                groups[(place, fragment)].append(p.index)
    yield from (members for members in groups.values() if len(members) > 1)


def _alike_pairs(members: list[int], keys: list[str]) -> Iterable[tuple[int, int]]:
    """Pairs within a block whose names reach NAME_BLOCK_CUTOFF."""
    names = [keys[i] for i in members]
    if len(members) <= 8:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                if fuzz.ratio(names[x], names[y], score_cutoff=NAME_BLOCK_CUTOFF):
                    yield members[x], members[y]
        return
    for start in range(0, len(members), _CDIST_CHUNK):
        rows = names[start : start + _CDIST_CHUNK]
        alike = process.cdist(
            rows, names, scorer=fuzz.ratio, score_cutoff=NAME_BLOCK_CUTOFF, dtype=np.uint8
        )
        for x, y in zip(*np.nonzero(alike), strict=True):
            if start + x < y:
                yield members[start + x], members[y]


def _pairs_sharing_a_value(prepared: Sequence[_Prepared]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for members in _exact_blocks(prepared):
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    return pairs


def _pairs_with_alike_names(prepared: Sequence[_Prepared]) -> set[tuple[int, int]]:
    keys = [p.name.written for p in prepared]
    pairs: set[tuple[int, int]] = set()
    for members in _name_blocks(prepared):
        pairs.update(_alike_pairs(members, keys))
    return pairs


# A pair found only by its names shares no identifier or contact, so the most it can
# gain beyond its name and place is two near-miss identifiers and an e-mail domain.
_BEST_BITS_WITHOUT_SHARED_VALUE = (
    PRIOR_BITS
    + NAME_LIKENESS_BITS[0][1]
    + SAME_PINCODE_BITS
    + 2 * NEAR_IDENTIFIER_BITS
    + SAME_EMAIL_DOMAIN_BITS
)


def _bits_needed(min_score: float) -> float:
    if min_score <= 0.0:
        return -math.inf
    if min_score >= 1.0:
        return math.inf
    return math.log2(min_score / (1.0 - min_score))


def _ruled_out_by_pan(a: _Prepared, b: _Prepared, bits_needed: float) -> bool:
    """Whether PANs that differ beyond a typo keep a name-only pair below the bar.

    Skipping these before scoring is what keeps large lists fast: namesakes in one
    district are common and almost all of them carry their own PAN.
    """
    if not (a.pan and b.pan) or _near(a.pan, b.pan):
        return False
    best = _BEST_BITS_WITHOUT_SHARED_VALUE - NEAR_IDENTIFIER_BITS + DIFFERENT_PAN_BITS
    return best < bits_needed


def _find(
    prepared: list[_Prepared], min_score: float, involving: int | None = None
) -> list[DuplicatePair]:
    _forget_common_values(prepared)
    bits_needed = _bits_needed(min_score)
    sharing = _pairs_sharing_a_value(prepared)
    name_only = _pairs_with_alike_names(prepared) - sharing
    candidates = itertools.chain(
        sharing,
        (
            (x, y)
            for x, y in name_only
            if not _ruled_out_by_pan(prepared[x], prepared[y], bits_needed)
        ),
    )
    found = []
    for x, y in candidates:
        if involving is not None and involving not in (x, y):
            continue
        pair = _score_pair(prepared[x], prepared[y])
        if pair.score >= min_score:
            found.append(pair)
    found.sort(key=lambda pair: -pair.score)
    return found


# -- public entry points ---------------------------------------------------------------------


def find_duplicates(
    records: Iterable[SupplierRecord], *, min_score: float = REVIEW_SCORE
) -> list[DuplicatePair]:
    """Pairs of records that may be the same enterprise, best first.

    Only pairs scoring at least ``min_score`` are returned; ``DuplicatePair.likely``
    marks those at or above LIKELY_DUPLICATE_SCORE.
    """
    return _find([_prepare(index, record) for index, record in enumerate(records)], min_score)


def duplicates_of(
    record: SupplierRecord,
    existing: Iterable[SupplierRecord],
    *,
    min_score: float = REVIEW_SCORE,
) -> list[DuplicatePair]:
    """Existing records that may be the same enterprise as ``record`` (a new sign-up or row).

    ``record`` is always ``first_id`` of the pairs returned.
    """
    prepared = [_prepare(index, r) for index, r in enumerate(itertools.chain([record], existing))]
    return _find(prepared, min_score, involving=0)
