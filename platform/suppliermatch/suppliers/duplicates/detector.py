"""Find enterprises registered more than once, with the evidence a coordinator can check.

The same MSME often arrives twice: once from a cluster's spreadsheet, once by signing
up; the name spelled differently ("Sri Industries Private Limited" and "Shri
Industries Pvt. Ltd."), the GSTIN left out, the phone written another way, the place
missing. Pairs worth comparing are proposed by several rules, none of which needs a
place (``dedup_blocking``); each pair is then scored from all its evidence at once by
a Fellegi-Sunter model whose weights are learned from the records being checked
(``dedup_model``): what a shared phone, a shared rare word or a different PAN is worth
depends on how often it happens among these records.

A phone or e-mail many records share is still evidence: a value held by many counts
for less, by its own frequency. One organisation with several sites (the same phone
or e-mail, a shared name stem, different branch names) is reported as *related
sites*, not as one registration to merge.
"""

import itertools
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from suppliermatch.bulk_build import garbage_collection_paused
from suppliermatch.reference.phones import phone_for_display, read_phones
from suppliermatch.suppliers.duplicates import blocking
from suppliermatch.suppliers.duplicates import model as fs
from suppliermatch.suppliers.duplicates.names import (
    NON_WORD,
    NormalisedName,
    WordDifference,
    normalise_name,
    word_difference,
)

__all__ = [
    "LIKELY_DUPLICATE_SCORE",
    "REVIEW_SCORE",
    "DuplicatePair",
    "SupplierRecord",
    "compare_records",
    "duplicate_groups",
    "duplicates_of",
    "find_duplicates",
    "normalise_name",
    "normalise_phone",
]

# -- what counts as a likely duplicate ------------------------------------------------

# Pairs at or above this score are reported as likely duplicates; the benchmarks
# count them as predictions.
LIKELY_DUPLICATE_SCORE = 0.9
# Pairs at or above this score are worth a coordinator's look.
REVIEW_SCORE = 0.5

# Names less alike than this (and neither holding all the other's words) are "unlike",
# and such records are compared only when they share an identifier or a contact.
NAME_CANDIDATE_LIKENESS = 70.0
# The name levels (dedup_model.FEATURES) from which each name holds a word the other lacks.
FIRST_LEVEL_WHERE_A_WORD_DIFFERS = 5
NAMES_UNLIKE = 8
# Random pairs drawn to measure how often different enterprises agree by chance: 20 a
# record, at most 50,000 (enough for a u of 1 in 10,000 to be seen five times).
RANDOM_PAIRS = 50_000
RANDOM_PAIRS_PER_RECORD = 20
_RANDOM_SEED = 20251126
# Lengths of a postal code the detector compares (digits only).
POSTAL_CODE_DIGITS = (4, 10)

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

_PAN_SHAPE = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]", re.ASCII)
_GSTIN_SHAPE = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]{3}", re.ASCII)
_UDYAM_SHAPE = re.compile(r"UDYAM-[A-Z]{2}-[0-9]{2}-[0-9]{7}", re.ASCII)
_IDENTITY, _UDYAM, _PHONE, _EMAIL, _NAME, _PLACE, _LEGAL_FORM = (
    fs.FEATURE_INDEX[name]
    for name in ("identity", "udyam", "phone", "email", "name", "place", "legal_form")
)
_NAN = float("nan")


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


class Relation:
    DUPLICATE = "duplicate"
    RELATED_SITES = "related_sites"


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two records that may be one enterprise; ``first_id`` comes first in the input."""

    first_id: Hashable
    second_id: Hashable
    score: float
    evidence: tuple[str, ...]
    relation: str = Relation.DUPLICATE

    @property
    def likely(self) -> bool:
        return self.relation == Relation.DUPLICATE and self.score >= LIKELY_DUPLICATE_SCORE


# -- identifiers and contacts as the detector compares them ---------------------------


def _identifier(value: str | None, shape: re.Pattern[str]) -> str | None:
    if not value:
        return None
    cleaned = "".join(value.split()).upper()
    return cleaned if shape.fullmatch(cleaned) else None


def normalise_phone(phone: str | None, district: str | None = None) -> tuple[str, ...]:
    """Every number in a phone cell, as E.164 where it reads as one, else as its digits
    (a number from abroad or a short local one still matches itself)."""
    if not phone:
        return ()
    read = read_phones(phone, district)
    digits = (re.sub(r"[^0-9]", "", part) for part in read.unreadable)
    return read.numbers + tuple(d for d in digits if len(d) >= 6)


def _email(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = value.strip().lower()
    local, at, domain = cleaned.rpartition("@")
    return cleaned if at and local and "." in domain else None


def _place(value: str | None) -> str | None:
    cleaned = NON_WORD.sub(" ", (value or "").casefold()).strip()
    return cleaned or None


@dataclass(slots=True)
class _Prepared:
    record: SupplierRecord
    name: NormalisedName
    words: frozenset[str]
    words_rarest_first: tuple[str, ...]
    gstin: str | None
    pan: str | None
    udyam: str | None
    phones: tuple[str, ...]
    email: str | None
    email_domain: str | None
    pincode: str | None
    district: str | None  # "state|district", since district names repeat across states
    state: str | None


def _prepare(record: SupplierRecord) -> _Prepared:
    gstin = _identifier(record.gstin, _GSTIN_SHAPE)
    pan = _identifier(record.pan, _PAN_SHAPE) or (gstin[2:12] if gstin else None)
    email = _email(record.email)
    domain = email.rpartition("@")[2] if email else None
    state = _place(record.state)
    district = _place(record.district)
    pincode = re.sub(r"[^0-9]", "", record.pincode or "")
    name = normalise_name(record.name)
    return _Prepared(
        record=record,
        name=name,
        words=frozenset(name.tokens),
        words_rarest_first=(),  # set once the whole list is known (_Context)
        gstin=gstin,
        pan=pan,
        udyam=_identifier(record.udyam, _UDYAM_SHAPE),
        phones=normalise_phone(record.phone, record.district),
        email=email,
        email_domain=domain if domain and domain not in FREE_MAIL_DOMAINS else None,
        # An Indian PIN has 6 digits; a foreign parent's postal code (a US ZIP of 5, a
        # Dutch code of 4) is compared as written all the same.
        pincode=pincode if POSTAL_CODE_DIGITS[0] <= len(pincode) <= POSTAL_CODE_DIGITS[1] else None,
        district=f"{state or ''}|{district}" if district else None,
        state=state,
    )


# -- comparing one pair ---------------------------------------------------------------------


def name_likeness(a: NormalisedName, b: NormalisedName) -> float:
    """0-100. Sorting the words forgives a changed word order, but a typo in a word's
    first letter can move it; whichever reading is closer counts."""
    return max(fuzz.ratio(a.key, b.key), fuzz.ratio(a.written, b.written))


def _name_level(difference: WordDifference, likeness: float, distinctive: bool) -> int:
    """The level of the "name" feature of two different names (see dedup_model.FEATURES).

    How the words differ comes first, then how alike the letters are: "Firman House
    West" and "Firman House East" are 94% alike and two sites, "Konink Philips" and
    "Koninklijke Philips" 85% alike and one name shortened."""
    if difference.same_words:
        return 1
    if difference.one_within_other:
        if likeness >= 88.0:
            return 2
        return 3 if distinctive else 4
    if likeness >= 80.0:
        return 5
    if likeness >= NAME_CANDIDATE_LIKENESS:
        return 6 if distinctive else 7
    return NAMES_UNLIKE


class _Context:
    """What the whole list says about each value: how many records hold it."""

    def __init__(self, prepared: Sequence[_Prepared], *, learning: bool):
        self.learning = learning
        self.records = len(prepared)
        self._prepared = prepared
        self._names_seen: dict[tuple[str, str], tuple[int, float]] = {}
        self._differences: dict[tuple[str, str], WordDifference] = {}
        self.word_counts = Counter(word for p in prepared for word in p.words)
        for p in prepared:
            p.words_rarest_first = tuple(
                sorted(p.words, key=lambda word: (self.word_counts[word], word))
            )
        self.counts: dict[str, Counter] = {
            "gstin": Counter(p.gstin for p in prepared if p.gstin),
            "pan": Counter(p.pan for p in prepared if p.pan),
            "udyam": Counter(p.udyam for p in prepared if p.udyam),
            "phone": Counter(phone for p in prepared for phone in set(p.phones)),
            "email": Counter(p.email for p in prepared if p.email),
            "email_domain": Counter(p.email_domain for p in prepared if p.email_domain),
        }
        self.known = {field: sum(counter.values()) for field, counter in self.counts.items()}
        self.rare_words = max(3, self.records // 100)
        self._columns: _Columns | None = None

    @property
    def columns(self) -> "_Columns":
        if self._columns is None:
            self._columns = _Columns(self._prepared, self)
        return self._columns

    def frequency(self, field: str, value: str) -> float:
        """How likely a record drawn at random holds ``value`` too: that value's ``u``."""
        others = max(self.known[field] - 1, 1)
        return max(self.counts[field][value] - 1, 1) / others

    def name_comparison(self, a: _Prepared, b: _Prepared) -> tuple[int, float]:
        """(level, likeness) of two names, worked out once a pair of distinct names."""
        if a.name.key == b.name.key:
            return 0, 100.0
        pair = (a.name.key, b.name.key)
        known = self._names_seen.get(pair)
        if known is None:
            likeness = name_likeness(a.name, b.name)
            difference = self.word_difference(a, b)
            distinctive = self.distinctive(self.rarest_shared_word(a, b))
            level = _name_level(difference, likeness, distinctive)
            known = self._names_seen[pair] = (level, likeness)
        return known

    def word_difference(self, a: _Prepared, b: _Prepared) -> WordDifference:
        """How two names' words differ, worked out once a pair of names (blocking asks
        first, the comparison again)."""
        pair = (a.name.key, b.name.key)
        known = self._differences.get(pair)
        if known is None:
            known = self._differences[pair] = word_difference(a.name, b.name)
        return known

    def names_could_match(self, a: _Prepared, b: _Prepared) -> bool:
        """Whether two names reach a level of the name comparison above "names unlike"."""
        if name_likeness(a.name, b.name) >= NAME_CANDIDATE_LIKENESS:
            return True
        # One name's words can all be in the other only if each of its words' first
        # letters starts a word of the other (respellings and abbreviations keep it):
        # most pairs end here. A word written as two beside a word of its own is missed
        # ("head start" against "headstart centre"; one pair of the held-out sites).
        first = {word[0] for word in a.words - b.words}
        second = {word[0] for word in b.words - a.words}
        if not (first <= second or second <= first):
            return False
        return self.word_difference(a, b).one_within_other

    def rarest_shared_word(self, a: _Prepared, b: _Prepared) -> str | None:
        return next((word for word in a.words_rarest_first if word in b.words), None)

    def distinctive(self, word: str | None) -> bool:
        """Whether few enough names hold ``word`` for sharing it to say something."""
        return self.learning and word is not None and self.word_counts[word] <= self.rare_words


def _codes(values: Iterable[Hashable | None]) -> np.ndarray:
    """Each value as an integer, the same for equal values; -1 where missing."""
    seen: dict = {}
    return np.array([seen.setdefault(v, len(seen)) if v else -1 for v in values], dtype=np.int64)


def _letters(values: Sequence[str | None], length: int) -> np.ndarray:
    """Identifiers of one fixed length (their shape is checked on reading) as rows of
    bytes; a missing one as zeros."""
    padded = b"".join((v or "").encode("ascii").ljust(length, b"\0") for v in values)
    return np.frombuffer(padded, dtype=np.uint8).reshape(len(values), length)


def _one_keystroke_apart(letters: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether identifiers of one length are one substitution or one swap of neighbours
    apart (optimal string alignment distance 1; an insertion would change the length)."""
    a, b = letters[x], letters[y]
    differ = a != b
    count = differ.sum(axis=1)
    swapped = (a[:, :-1] == b[:, 1:]) & (a[:, 1:] == b[:, :-1]) & differ[:, :-1] & differ[:, 1:]
    return (count <= 1) | ((count == 2) & swapped.any(axis=1))


class _Columns:
    """The records' values as integer codes, so that many pairs are compared at once,
    and (when learning) each record's own value's frequency, its ``u``."""

    def __init__(self, prepared: Sequence[_Prepared], context: _Context):
        self.gstin = _codes(p.gstin for p in prepared)
        self.pan = _codes(p.pan for p in prepared)
        self.udyam = _codes(p.udyam for p in prepared)
        self.email = _codes(p.email for p in prepared)
        self.domain = _codes(p.email_domain for p in prepared)
        self.pincode = _codes(p.pincode for p in prepared)
        self.district = _codes(p.district for p in prepared)
        self.state = _codes(p.state for p in prepared)
        self.name = _codes(p.name.key for p in prepared)
        self.pan_letters = _letters([p.pan for p in prepared], 10)
        self.udyam_letters = _letters([p.udyam for p in prepared], 19)
        forms = {"company": 0, "llp": 1}
        self.legal_form = np.array(
            [forms.get(p.name.legal_form, 2) if p.name.legal_form else -1 for p in prepared]
        )
        # Records with one phone are compared by code; the few with several, one by one.
        self.phone = _codes(p.phones[0] if len(p.phones) == 1 else None for p in prepared)
        self.several_phones = np.array([len(p.phones) > 1 for p in prepared], dtype=bool)
        self.frequency: dict[str, np.ndarray] = {}
        if context.learning:
            for field, values in (
                ("gstin", [p.gstin for p in prepared]),
                ("pan", [p.pan for p in prepared]),
                ("udyam", [p.udyam for p in prepared]),
                ("phone", [p.phones[0] if p.phones else None for p in prepared]),
                ("email", [p.email for p in prepared]),
                ("email_domain", [p.email_domain for p in prepared]),
            ):
                self.frequency[field] = np.array(
                    [context.frequency(field, v) if v else _NAN for v in values]
                )


def _compare_many(
    prepared: Sequence[_Prepared], x: np.ndarray, y: np.ndarray, context: _Context
) -> tuple[fs.Comparisons, np.ndarray]:
    """The levels of the pairs (x[i], y[i]), with the value frequencies that replace
    ``u`` for an exact agreement on a value; and the names' likeness."""
    columns = context.columns
    learning = context.learning
    levels = np.full((len(x), len(fs.FEATURES)), fs.UNKNOWN, dtype=np.int8)
    override = np.full(levels.shape, _NAN)

    def both(column: np.ndarray) -> np.ndarray:
        return (column[x] >= 0) & (column[y] >= 0)

    def same(column: np.ndarray) -> np.ndarray:
        return (column[x] >= 0) & (column[x] == column[y])

    def agree(feature: int, rows: np.ndarray, level: int, field: str | None = None) -> None:
        levels[rows, feature] = level
        if learning and field:
            override[rows, feature] = columns.frequency[field][x[rows]]

    def near_or_not(feature: int, rows: np.ndarray, letters: np.ndarray, near: int, far: int):
        levels[rows, feature] = np.where(_one_keystroke_apart(letters, x[rows], y[rows]), near, far)

    gstin = same(columns.gstin)
    agree(_IDENTITY, gstin, 0, "gstin")
    pans = both(columns.pan) & ~gstin
    pan = pans & (columns.pan[x] == columns.pan[y])
    agree(_IDENTITY, pan, 1, "pan")
    near_or_not(_IDENTITY, pans & ~pan, columns.pan_letters, 2, 3)
    udyams = both(columns.udyam)
    udyam = udyams & (columns.udyam[x] == columns.udyam[y])
    agree(_UDYAM, udyam, 0, "udyam")
    near_or_not(_UDYAM, udyams & ~udyam, columns.udyam_letters, 1, 2)

    phones = both(columns.phone)
    agree(_PHONE, phones & (columns.phone[x] == columns.phone[y]), 0, "phone")
    agree(_PHONE, phones & (columns.phone[x] != columns.phone[y]), 1)
    several = columns.several_phones[x] | columns.several_phones[y]
    for row in np.nonzero(several)[0].tolist():
        a, b = prepared[x[row]], prepared[y[row]]
        if a.phones and b.phones:
            shared = [phone for phone in a.phones if phone in b.phones]
            levels[row, _PHONE] = 0 if shared else 1
            if shared and learning:
                override[row, _PHONE] = min(context.frequency("phone", p) for p in shared)

    emails = both(columns.email)
    email = emails & (columns.email[x] == columns.email[y])
    agree(_EMAIL, email, 0, "email")
    domain = emails & ~email & same(columns.domain)
    agree(_EMAIL, domain, 1, "email_domain")
    agree(_EMAIL, emails & ~email & ~domain, 2)

    # A name's own frequency is not its u: one enterprise registered 300 times under
    # one spelling is as common as a name 300 enterprises share, and the other fields
    # (and the rare-word levels) are what tell the two apart.
    likeness = np.zeros(len(x))
    named = both(columns.name)
    levels[same(columns.name), _NAME] = 0
    likeness[same(columns.name)] = 100.0
    differ = np.nonzero(named & (columns.name[x] != columns.name[y]))[0]
    if len(differ):
        name_pairs = (
            columns.name[x[differ]] * (int(columns.name.max()) + 1) + columns.name[y[differ]]
        )
        distinct, first_row, inverse = np.unique(name_pairs, return_index=True, return_inverse=True)
        compared = [
            context.name_comparison(prepared[x[differ[row]]], prepared[y[differ[row]]])
            for row in first_row.tolist()
        ]
        level_of, likeness_of = (np.array(values) for values in zip(*compared, strict=True))
        levels[differ, _NAME] = level_of[inverse]
        likeness[differ] = likeness_of[inverse]

    pincode = same(columns.pincode)
    district = ~pincode & same(columns.district)
    states = ~pincode & ~district & both(columns.state)
    levels[pincode, _PLACE] = 0
    levels[district, _PLACE] = 1
    levels[states, _PLACE] = np.where(columns.state[x[states]] == columns.state[y[states]], 2, 3)
    levels[~pincode & ~district & ~states & both(columns.pincode), _PLACE] = 4

    forms = both(columns.legal_form)
    conflict = forms & (np.minimum(columns.legal_form[x], columns.legal_form[y]) == 0)
    conflict &= np.maximum(columns.legal_form[x], columns.legal_form[y]) == 1
    levels[forms, _LEGAL_FORM] = np.where(conflict[forms], 0, 1)
    return fs.Comparisons(levels=levels, u_override=override), likeness


# -- what a pair's evidence says ------------------------------------------------------------


def _related_sites(a: _Prepared, b: _Prepared, levels) -> str | None:
    """The name stem two sites of one organisation share (given that they share a phone
    or an e-mail), or None."""
    if levels[_IDENTITY] in (0, 1) or levels[_UDYAM] == 0:
        return None
    # Each name has a word the other lacks, not a respelling ("Firman House West" and
    # "Firman House East"); one name's words all in the other is one site, named more
    # fully.
    if levels[_NAME] < FIRST_LEVEL_WHERE_A_WORD_DIFFERS or not (a.words & b.words):
        return None
    return " ".join(word for word in a.name.tokens if word in b.words)


def _words(words: tuple[str, ...]) -> str:
    return repr(" ".join(words))


def _name_evidence(level: int, likeness: float, difference: WordDifference) -> str:
    said = f"names {likeness:.0f}% alike after removing legal suffixes"
    first, second = difference.only_in_first, difference.only_in_second
    if difference.same_words:
        return f"{said}; the same words, spelled or shortened differently"
    if not first or not second:
        added = _words(first or second)
        return f"{said}; one name's words are all in the other, which adds {added}"
    if level < NAMES_UNLIKE:
        return f"{said}; {_words(first)} where the other has {_words(second)}"
    return said


def _evidence(a: _Prepared, b: _Prepared, levels, likeness: float, context: _Context):
    said: list[str] = []
    identity = levels[_IDENTITY]
    if identity == 0:
        said.append(f"same GSTIN {a.gstin}")
    elif identity == 1:
        said.append(f"same PAN {a.pan}")
    elif identity == 2:
        said.append(f"PANs {a.pan} and {b.pan} differ by one character")
    elif identity == 3:
        said.append(f"different PANs {a.pan} and {b.pan}")
    udyam = levels[_UDYAM]
    if udyam == 0:
        said.append(f"same Udyam number {a.udyam}")
    elif udyam == 1:
        said.append(f"Udyam numbers {a.udyam} and {b.udyam} differ by one character")
    elif udyam == 2:
        said.append(f"different Udyam numbers {a.udyam} and {b.udyam}")
    if levels[_PHONE] == 0:
        phone = next(phone for phone in a.phones if phone in b.phones)
        held = context.counts["phone"][phone]
        shared_by = f" (held by {held} records)" if held > 2 else ""
        said.append(f"same phone {phone_for_display(phone)}{shared_by}")
    if levels[_EMAIL] == 0:
        said.append(f"same email {a.email}")
    elif levels[_EMAIL] == 1:
        said.append(f"same email domain {a.email_domain}")
    name = levels[_NAME]
    if name == 0:
        said.append("names identical after removing legal suffixes")
    elif name != fs.UNKNOWN:
        said.append(_name_evidence(*context.name_comparison(a, b), context.word_difference(a, b)))
    rarest = context.rarest_shared_word(a, b)
    if name != fs.UNKNOWN and context.distinctive(rarest):
        held = context.word_counts[rarest]
        said.append(f"both names hold {rarest!r}, a word {held} of {context.records} names hold")
    if levels[_LEGAL_FORM] == 0:
        said.append("one is an LLP, the other a company")
    place = levels[_PLACE]
    if place == 0:
        said.append(f"same PIN code {a.pincode}")
    elif place == 1:
        said.append(f"same district {a.record.district.strip()}")
    elif place == 4:
        said.append(f"different PIN codes ({a.pincode}, {b.pincode})")
    elif place == 3:
        said.append(f"different states ({a.record.state.strip()}, {b.record.state.strip()})")
    return said


# -- the list as a whole --------------------------------------------------------------------


def _random_pairs(count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_RANDOM_SEED)
    wanted = min(RANDOM_PAIRS, RANDOM_PAIRS_PER_RECORD * count)
    if count * (count - 1) // 2 <= wanted:
        first, second = np.triu_indices(count, k=1)
        return first.astype(np.int64), second.astype(np.int64)
    first = rng.integers(0, count, wanted)
    second = rng.integers(0, count, wanted)
    keep = first != second
    return first[keep], second[keep]


def _candidates(prepared: Sequence[_Prepared], context: _Context) -> np.ndarray:
    return blocking.candidate_pairs(
        names_alike=lambda x, y: context.names_could_match(prepared[x], prepared[y]),
        name_keys=[p.name.key for p in prepared],
        place_keys=[p.district or p.pincode or "" for p in prepared],
        words=[p.name.tokens for p in prepared],
        frequency=context.word_counts,
        values=[
            [(p.gstin,) if p.gstin else () for p in prepared],
            [(p.pan,) if p.pan else () for p in prepared],
            [(p.udyam,) if p.udyam else () for p in prepared],
            [p.phones for p in prepared],
            [(p.email,) if p.email else () for p in prepared],
        ],
    )


def _find(
    prepared: list[_Prepared], min_score: float, involving: int | None = None
) -> list[DuplicatePair]:
    learning = len(prepared) >= fs.MIN_RECORDS_TO_LEARN
    context = _Context(prepared, learning=learning)
    first, second = blocking.decode(_candidates(prepared, context))
    comparisons, likeness = _compare_many(prepared, first, second, context)
    if learning:
        random_first, random_second = _random_pairs(len(prepared))
        random_comparisons, _ = _compare_many(prepared, random_first, random_second, context)
        model = fs.learn(comparisons, random_comparisons, len(prepared))
    else:
        model = fs.Model()
    scores, _ = model.probability(comparisons)
    # Sites of one organisation are reported whatever their score as duplicates.
    levels_of = comparisons.levels
    # A shared phone or address; a shared domain can be a host's or a group's.
    shares_contact = (levels_of[:, _PHONE] == 0) | (levels_of[:, _EMAIL] == 0)
    stems = {
        row: stem
        for row in np.nonzero(shares_contact)[0].tolist()
        if (stem := _related_sites(prepared[first[row]], prepared[second[row]], levels_of[row]))
    }
    keep = scores >= min_score
    keep[list(stems)] = True
    if involving is not None:
        keep &= (first == involving) | (second == involving)
    found = []
    for row in np.nonzero(keep)[0].tolist():
        x, y = int(first[row]), int(second[row])
        if involving is not None and y == involving:
            x, y = y, x
        a, b = prepared[x], prepared[y]
        levels = levels_of[row]
        evidence = _evidence(a, b, levels, likeness[row], context)
        relation = Relation.DUPLICATE
        stem = stems.get(row)
        if stem:
            relation = Relation.RELATED_SITES
            evidence.insert(
                0,
                f"related sites of one organisation: share {stem!r} and a contact, "
                "under different site names",
            )
        found.append(
            DuplicatePair(
                first_id=a.record.id,
                second_id=b.record.id,
                score=round(float(scores[row]), 4),
                evidence=tuple(evidence),
                relation=relation,
            )
        )
    found.sort(key=lambda pair: -pair.score)
    return found


# -- public entry points ---------------------------------------------------------------------


@garbage_collection_paused()
def find_duplicates(
    records: Iterable[SupplierRecord], *, min_score: float = REVIEW_SCORE
) -> list[DuplicatePair]:
    """Pairs of records that may be the same enterprise, best first.

    Only pairs scoring at least ``min_score`` are returned; ``DuplicatePair.likely``
    marks those at or above LIKELY_DUPLICATE_SCORE (related sites are never likely).
    """
    return _find([_prepare(record) for record in records], min_score)


@garbage_collection_paused()
def duplicates_of(
    record: SupplierRecord,
    existing: Iterable[SupplierRecord],
    *,
    min_score: float = REVIEW_SCORE,
) -> list[DuplicatePair]:
    """Existing records that may be the same enterprise as ``record`` (a new sign-up or row).

    ``record`` is always ``first_id`` of the pairs returned.
    """
    prepared = [_prepare(r) for r in itertools.chain([record], existing)]
    return _find(prepared, min_score, involving=0)


def compare_records(a: SupplierRecord, b: SupplierRecord) -> DuplicatePair:
    """Score one pair on its own, with the judgement priors (two records teach nothing)."""
    pa, pb = _prepare(a), _prepare(b)
    context = _Context([pa, pb], learning=False)
    comparisons, likeness = _compare_many([pa, pb], np.array([0]), np.array([1]), context)
    score, _ = fs.Model().probability(comparisons)
    levels = comparisons.levels[0]
    return DuplicatePair(
        first_id=a.id,
        second_id=b.id,
        score=round(float(score[0]), 4),
        evidence=tuple(_evidence(pa, pb, levels, likeness[0], context)),
    )


def duplicate_groups(pairs: Iterable[DuplicatePair]) -> list[set[Hashable]]:
    """Records joined by likely-duplicate pairs, as groups (connected components)."""
    parent: dict[Hashable, Hashable] = {}

    def root(item: Hashable) -> Hashable:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for pair in pairs:
        if pair.likely:
            parent[root(pair.first_id)] = root(pair.second_id)
    groups: dict[Hashable, set[Hashable]] = {}
    for item in list(parent):
        groups.setdefault(root(item), set()).add(item)
    return [members for members in groups.values() if len(members) > 1]
