"""Text normalisation for matching: spelling, abbreviations, tokens, stems, typo repair.

Suppliers write "Ni/Cu/Ni", "nickel-copper-nickel" and "NiCuNi"; "magnetizing" and
"magnetising"; "cheimcal" for "chemical". Everything here turns such variants into one
token sequence, and is applied in exactly the same way to the taxonomy's synonyms and to
the texts being matched, so that equal meaning gives equal tokens.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz import process as fuzzy_process
from rapidfuzz.distance import OSA

from suppliermatch.words import NON_WORD, normal

# American -> British spellings, and a few words written two ways, so that both land on the
# same token. The taxonomy is written in Indian (British) English.
_SPELLING_WORDS = {
    "center": "centre",
    "centers": "centres",
    "centerless": "centreless",
    "aluminum": "aluminium",
    "mold": "mould",
    "molds": "moulds",
    "molding": "moulding",
    "vapor": "vapour",
    "fiber": "fibre",
    "color": "colour",
    "sulfur": "sulphur",
    "liter": "litre",
    "aging": "ageing",
    "gray": "grey",
    "disk": "disc",
    "disks": "discs",
    "jobwork": "job work",
    "toolroom": "tool room",
    "electroplating": "plating",
    "electroplated": "plated",
    "electroplate": "plate",
    "packaging": "packing",
    "packaged": "packed",
}
# -ize/-ization/-yze endings become -ise/-isation/-yse ("magnetizing" -> "magnetising").
_US_IZE = re.compile(r"(?<=[a-z])iz(e|es|ed|er|ers|ing|ation|ations)\b")
_US_YZE = re.compile(r"(?<=[a-z])yz(e|es|ed|er|ing)\b")

# Letter groups written with slashes or hyphens are one term: "Ni/Cu/Ni", "O/N/C", "B-H",
# "type K / S / B", "Dy/Tb". They are joined ("nicuni", "onc", "bh", "ksb", "dytb").
_LETTER_GROUP = re.compile(r"\b[a-z]{1,2}(?:\s*[/-]\s*[a-z]{1,2})+\b")
# "(BH)max", "BH max", "BHmax" are the maximum energy product.
_BH_MAX = re.compile(r"\(\s*b\s*-?\s*h\s*\)\s*max|\bb\s*-?\s*h\s*max\b")
# A single-letter prefix joined by a hyphen is part of the word: "e-waste", "e-coating".
_LETTER_PREFIX = re.compile(r"\b([a-z])-(?=[a-z]{3,})")
_E_WORDS = re.compile(r"\be\s+(waste|coat)")
# Latin and Indic letters (suppliermatch.words): Hindi, Odia, Telugu, Tamil text keeps its words.
_NON_WORD = NON_WORD


def words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a block of text (for word lists kept readable)."""
    return tuple(text.split())


STOPWORDS = frozenset(
    words(
        """
        a an the of and or for in on at to with by from as per our we us is are be been all any
        also etc under into its their your this that these those plus via using use offer offers
        offered offering provide provides providing do does done available including include
        includes our only such than then there here who which what where when up about
        """
    )
)

# Words that say little about which process is meant; they count a quarter as much as
# other words when judging how much of a synonym a text covers.
GENERIC_WORDS = frozenset(
    words(
        """
        service services work works job jobs supply supplies supplier suppliers process
        processes processing system systems unit units component components part parts product
        products make making manufacture manufacturing manufacturer solution solutions
        fabrication equipment plant plants material materials facility facilities capability
        quality custom customised industrial precision general complete full range type types
        various vendor test tests testing measurement measurements measuring inspection analysis
        check checking
        """
    )
)

# Ordered suffix rules: (suffix, replacement). The first that leaves a stem of at least
# three letters applies; stemming repeats until nothing changes.
_SUFFIX_RULES = (
    ("isations", "is"),
    ("isation", "is"),
    ("ising", "is"),
    ("isers", "is"),
    ("iser", "is"),
    ("ised", "is"),
    ("ises", "is"),
    ("ise", "is"),
    ("ations", "at"),
    ("ation", "at"),
    ("ating", "at"),
    ("ated", "at"),
    ("ates", "at"),
    ("ate", "at"),
    ("ies", "y"),
    ("ings", ""),
    ("ing", ""),
    ("sses", "ss"),
    ("ases", "as"),
    ("xes", "x"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("ss", "ss"),
    ("us", "us"),
    ("is", "is"),
    ("s", ""),
    ("e", ""),
)
_MIN_STEM = 3
# Marks the stem of a bare noun that shares its stem with an activity ("pots" vs "potting").
NOUN_MARK = "~"
# Endings of the verb forms that name an activity: "potting", "machined", "castings",
# "heater", "passivation".
_VERB_ENDINGS = ("ing", "ings", "ed", "er", "ers", "ion", "ions")
# After stripping "-ing"/"-ed"/"-er", a doubled final consonant is undoubled ("cutting" ->
# "cut"), except l, s and z ("milling" -> "mill", "pressing" -> "press").
_UNDOUBLE_AFTER = frozenset({"ing", "ings", "ed", "er", "ers"})
_KEEP_DOUBLE = frozenset("lsz")


# The English word list that pyspellchecker ships (word -> frequency, from OpenSubtitles and
# Wiktionary; MIT licence). A word in it is a correct word of the language and is never
# "repaired" into a taxonomy word (bends is not a misspelt bands, nor protection production).
_LANGUAGE_WORDS_PACKAGE = "spellchecker"
_LANGUAGE_WORDS_FILE = "resources/en.json.gz"
# Notes that say what a phrase does NOT cover: "Meters (except electrical)". Their words are
# not what the supplier offers, so neither reading counts them.
EXCLUSION_NOTE = re.compile(r"\(\s*(?:except|excluding|other than|not)\b[^()]*\)", re.IGNORECASE)
# The same said without brackets: what follows "not" up to the end of its clause is what
# the phrase is not ("Platinum foil not made in rolling mills" is not a rolling mill's
# product; "Pulp mills not making paper"). Left out like the notes.
NEGATED_TAIL = re.compile(r"\bnot\b[^,;.()]*", re.IGNORECASE)


@cache
def language_words() -> frozenset[str]:
    """Correct English words, lower case (about 160,000, inflections included)."""
    data = resources.files(_LANGUAGE_WORDS_PACKAGE).joinpath(_LANGUAGE_WORDS_FILE).read_bytes()
    return frozenset(json.loads(gzip.decompress(data)))


def without_exclusions(text: str) -> str:
    """``text`` without its "(except ...)" notes and the words after a "not"."""
    if "(" in text:
        text = EXCLUSION_NOTE.sub(" ", text)
    if "not" in text or "Not" in text or "NOT" in text:  # a cheap test first: most have none
        text = NEGATED_TAIL.sub(" ", text)
    return text


def fold(text: str) -> str:
    """Unicode-normalised, case-folded text with spelling variants made British."""
    text = normal(text)
    text = text.replace("µ", "u").replace("±", " +/- ")
    # The "in" tests skip regex work on the many texts without these spellings.
    if "iz" in text:
        text = _US_IZE.sub(_british_ise, text)
    if "yz" in text:
        text = _US_YZE.sub(_british_yse, text)
    return text


def _british_ise(match: re.Match) -> str:
    return "is" + match.group(1)


def _british_yse(match: re.Match) -> str:
    return "ys" + match.group(1)


def raw_tokens(text: str) -> list[str]:
    """Lower-case word tokens after joining letter groups ("Ni-Cu-Ni" -> "nicuni")."""
    text = fold(text)
    if "max" in text:
        text = _BH_MAX.sub(" bhmax ", text)
    if "/" in text or "-" in text:
        text = _LETTER_GROUP.sub(_joined, text)
        text = _LETTER_PREFIX.sub(_first_group, text)
    text = _E_WORDS.sub(_e_word, text)
    words: list[str] = []
    for word in _NON_WORD.split(text):
        if not word:
            continue
        replacement = _SPELLING_WORDS.get(word)
        if replacement is None:
            words.append(word)
        else:
            words.extend(replacement.split())
    return words


def _joined(match: re.Match) -> str:
    return _NON_WORD.sub("", match.group(0))


def _first_group(match: re.Match) -> str:
    return match.group(1)


def _e_word(match: re.Match) -> str:
    return "e" + match.group(1)


def stem(token: str) -> str:
    """A light suffix-stripping stem: "magnetising", "magnetisation" -> "magnetis"."""
    if len(token) < 4 or not token.isalpha():
        return token
    while True:
        for suffix, replacement in _SUFFIX_RULES:
            if token.endswith(suffix):
                base = token[: len(token) - len(suffix)]
                if len(base) >= _MIN_STEM:
                    if (
                        suffix in _UNDOUBLE_AFTER
                        and base[-1] == base[-2]
                        and base[-1] not in _KEEP_DOUBLE
                        and base[-1] not in "aeiou"
                    ):
                        base = base[:-1]
                    changed = base + replacement
                    if changed == token:
                        return token
                    token = changed
                    break
        else:
            return token
        if len(token) < 4:
            return token


def is_content(token: str) -> bool:
    return token not in STOPWORDS and (len(token) > 1 or token.isdigit())


class TokenNormaliser:
    """Turns text into content stems, expanding abbreviations and repairing typos.

    Typos are repaired only against ``vocabulary`` (the words of the taxonomy): a word not in
    it is replaced by the closest vocabulary word with the same first letter within one edit
    (two for words of eight letters or more), where an edit is an insertion, deletion,
    substitution or swap of adjacent letters ("leacihng" -> "leaching"). Words that are
    known but not in the taxonomy (``known_words``) and correct words of the language
    (``language``, e.g. ``language_words()``) are left alone.

    ``activity_stems`` are stems of the activity words ("potting", "machining", "plating")
    the taxonomy names services by. The bare noun of the same stem ("pots", "machines",
    "plates") names a thing, not the activity, so it gets its own token (stem + ``NOUN_MARK``):
    "flower pots" is not potting, "CNC metal cutting machines" not CNC machining. Verb forms
    ("machined", "plated", "castings") keep the activity's stem.
    """

    def __init__(
        self,
        abbreviations: Mapping[str, str],
        vocabulary: Iterable[str] = (),
        known_words: Iterable[str] = (),
        language: frozenset[str] = frozenset(),
    ) -> None:
        self._abbreviations = {k: tuple(v.split()) for k, v in abbreviations.items()}
        self._vocabulary: tuple[str, ...] = ()
        self._vocabulary_by_initial: dict[str, list[str]] = {}
        self._known: set[str] = set()
        self._language = language
        self._activity_stems: frozenset[str] = frozenset()
        self._repairs: dict[str, str | None] = {}
        self._stems: dict[str, str] = {}
        self.set_vocabulary(vocabulary, known_words)

    @property
    def activity_stems(self) -> frozenset[str]:
        return self._activity_stems

    def set_activity_stems(self, stems: Iterable[str]) -> None:
        self._activity_stems = frozenset(stems)
        self._stems.clear()

    def set_vocabulary(self, vocabulary: Iterable[str], known_words: Iterable[str] = ()) -> None:
        self._vocabulary = tuple(sorted(set(vocabulary)))
        by_initial: dict[str, list[str]] = {}
        for word in self._vocabulary:
            by_initial.setdefault(word[0], []).append(word)
        self._vocabulary_by_initial = by_initial
        self._known = set(self._vocabulary) | set(known_words) | STOPWORDS
        self._repairs.clear()

    def expanded_words(self, text: str) -> list[str]:
        """Raw tokens with abbreviations expanded, before typo repair and stemming."""
        words: list[str] = []
        for word in raw_tokens(text):
            expansion = self._abbreviations.get(word)
            if expansion is None:
                words.append(word)
            else:
                words.extend(expansion)
        return words

    def repair(self, word: str) -> str:
        """The vocabulary word a misspelt ``word`` stands for, or ``word`` itself."""
        if word in self._known or len(word) < 5 or not word.isalpha() or word in self._language:
            return word
        if word in self._repairs:
            return self._repairs[word] or word
        candidates = self._vocabulary_by_initial.get(word[0], ())
        limit = 2 if len(word) >= 8 else 1
        best = fuzzy_process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)
        repaired = best[0] if best is not None else None
        if len(self._repairs) > 200_000:
            self._repairs.clear()
        self._repairs[word] = repaired
        return repaired or word

    def stem(self, word: str) -> str:
        stemmed = self._stems.get(word)
        if stemmed is None:
            stemmed = stem(word)
            if stemmed in self._activity_stems and not word.endswith(_VERB_ENDINGS):
                stemmed += NOUN_MARK
            if len(self._stems) < 500_000:
                self._stems[word] = stemmed
        return stemmed

    def tokens(self, text: str, *, repair: bool = True) -> list[str]:
        """Content stems of ``text`` in order (stopwords dropped)."""
        out = []
        for word in self.expanded_words(text):
            if repair:
                word = self.repair(word)
            if is_content(word):
                out.append(self.stem(word))
        return out


@dataclass(frozen=True, slots=True)
class Clause:
    """A comma/semicolon-separated piece of a text, and whether it lists equipment."""

    text: str
    equipment: bool


_CLAUSE_BREAK = re.compile(r"[,;|]")
# A full stop ends a sentence, except in a decimal number and in "e.g.," / "i.e.,".
_SENTENCE_BREAK = re.compile(r"\.(?!\d|\s*,|[a-z]\.)|[\n!?]+")
# A sentence that starts like this lists machines the unit owns, not services it sells
# ("Facilities: 2 wire EDM machines"): owning a machine is weaker evidence than offering.
_EQUIPMENT_LEAD = re.compile(
    r"^\s*(?:our\s+)?(?:facilities|facility|equipment|machinery|machines|infrastructure|"
    r"plant\s*(?:&|and)\s*machinery|installed\s+equipment|in-house\s+equipment|"
    r"machine\s+list|equipment\s+list)\s*(?::|-|include[sd]?\b|are\b|is\b)",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """``text``'s sentences (broken as ``split_clauses`` breaks them), stripped."""
    return [sentence.strip() for sentence in _SENTENCE_BREAK.split(text) if sentence.strip()]


def split_clauses(text: str) -> Iterator[Clause]:
    """Pieces of ``text`` that each name at most one capability, as a supplier lists them.

    Sentences break at full stops (not decimal points) and new lines; clauses at commas,
    semicolons and pipes outside brackets, so "sensors (thermocouple, RTD)" stays whole.
    """
    for sentence in _SENTENCE_BREAK.split(text):
        if not sentence.strip():
            continue
        lead = _EQUIPMENT_LEAD.match(sentence)
        equipment = lead is not None
        if lead:
            sentence = sentence[lead.end() :]
        if "(" not in sentence and "[" not in sentence and "{" not in sentence:
            for piece in _CLAUSE_BREAK.split(sentence):
                piece = piece.strip()
                if piece:
                    yield Clause(piece, equipment)
            continue
        depth = 0
        start = 0
        for index, char in enumerate(sentence):
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth = max(0, depth - 1)
            elif char in ",;|" and depth == 0:
                piece = sentence[start:index].strip()
                if piece:
                    yield Clause(piece, equipment)
                start = index + 1
        piece = sentence[start:].strip()
        if piece:
            yield Clause(piece, equipment)


_TOLERANCE_VALUE = re.compile(
    r"(?P<pm>\+/-|\+-)?\s*(?P<value>\d*\.\d+|\d+)\s*(?P<unit>mm|um|microns?|mic)\b"
)
_TOLERANCE_WORD = re.compile(
    r"\b(?:tol\w*|toel\w*|tloe\w*|accura\w*|acurac\w*|precision|flatness|within|up\s+to)\b"
)
_MICRONS_PER_MM = 1000.0


def parse_tolerance_mm(text: str) -> float | None:
    """The finest tolerance a text states, in mm ("tol. +/-0.005 mm", "accuracy 5 micron").

    A number counts when it carries a +/- sign or a tolerance word comes shortly before it,
    so "a 600x400 surface grinder" or "15-20 um coating" are not read as tolerances.
    """
    folded = fold(text)
    found = []
    for match in _TOLERANCE_VALUE.finditer(folded):
        before = folded[max(0, match.start() - 30) : match.start()]
        if not (match.group("pm") or _TOLERANCE_WORD.search(before)):
            continue
        value = float(match.group("value"))
        if match.group("unit") != "mm":
            value /= _MICRONS_PER_MM
        if value > 0:
            found.append(value)
    return min(found) if found else None
