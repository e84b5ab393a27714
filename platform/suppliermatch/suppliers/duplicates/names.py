"""Enterprise names reduced to what identifies the enterprise.

"Sri Industries Private Limited" and "Shri Industries Pvt. Ltd." are one name: case,
punctuation, an honorific's spelling, an abbreviation and the legal-form suffix are
not what tells two enterprises apart. The legal form a suffix declares is kept beside
the name, since an LLP and a company are different legal persons.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

# Legal-form endings, as token sequences after punctuation is removed ("(P) Ltd." ->
# "p ltd"), mapped to the legal form they declare (None: says nothing about it).
# Indian forms: the Companies Act 2013 (s. 2(68) private company, "Private Limited";
# s. 2(62) one person company, "OPC") and the LLP Act 2008 ("LLP"). Foreign forms,
# which Indian records of foreign parents and buyers carry: the abbreviations of the
# ISO 20275 Entity Legal Forms code list kept by GLEIF (gleif.org, "ELF code list"),
# for the jurisdictions Indian trade deals with most (US, UK, DE, NL, FR, IT, JP, ...).
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
            (("inc",), "foreign"),
            (("incorporated",), "foreign"),
            (("corp",), "foreign"),
            (("corporation",), "foreign"),
            (("llc",), "foreign"),
            (("plc",), "foreign"),
            (("gmbh",), "foreign"),
            (("gmbh", "and", "co", "kg"), "foreign"),
            (("ag",), "foreign"),
            (("kg",), "foreign"),
            (("bv",), "foreign"),
            (("b", "v"), "foreign"),
            (("nv",), "foreign"),
            (("n", "v"), "foreign"),
            (("sa",), "foreign"),
            (("s", "a"), "foreign"),
            (("sas",), "foreign"),
            (("sarl",), "foreign"),
            (("spa",), "foreign"),
            (("s", "p", "a"), "foreign"),
            (("srl",), "foreign"),
            (("kk",), "foreign"),
            (("co", "ltd"), "foreign"),
            (("pte", "ltd"), "foreign"),
            (("pty", "ltd"), "foreign"),
            (("oy",), "foreign"),
        ],
        key=lambda suffix: -len(suffix[0]),
    )
)
# The same suffixes looked up by their last word, longest first, so that a name is
# only tried against the few suffixes that could end it.
_SUFFIXES_BY_LAST_WORD: dict[str, list[tuple[tuple[str, ...], str | None]]] = {}
for _words, _form in _LEGAL_SUFFIXES:
    _SUFFIXES_BY_LAST_WORD.setdefault(_words[-1], []).append((_words, _form))
_LONG_SUFFIX_WORDS = tuple(
    sorted({word for words, _ in _LEGAL_SUFFIXES for word in words if len(word) >= 6})
)
# Words that only ever name a legal form, dropped wherever they stand ("Tata Ltd Pune
# Unit", "Akzo Naamloze Vennootschap Nobel"); the same sources as above.
_LEGAL_FORM_WORDS = frozenset(
    {
        "pvt",
        "ltd",
        "llp",
        "gmbh",
        "bv",
        "nv",
        "inc",
        "plc",
        "llc",
        "sarl",
        "pte",
        "pty",
        "aktiengesellschaft",
        "vennootschap",
        "naamloze",
        "naamlooze",
        "besloten",
    }
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
NON_WORD = re.compile(r"[\W_]+")


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
    tokens = NON_WORD.sub(" ", folded.casefold().replace("&", " and ")).split()
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
    if any(token in _LEGAL_FORM_WORDS for token in tokens):
        tokens = [token for token in tokens if token not in _LEGAL_FORM_WORDS] or tokens
    words = tuple(_WORD_VARIANTS.get(word, word) for word in tokens if word != "and")
    return NormalisedName(
        written=" ".join(words), key=" ".join(sorted(words)), tokens=words, legal_form=legal_form
    )


# -- how two names' words differ ------------------------------------------------------------

# A word respelled, not replaced: one slip of the keyboard in a word of this many
# letters or more ("nobel"/"novel", "philips"/"phillips"), two in a longer one
# ("maatshappij"/"maatschappij"), the first letter kept. Shorter words are left exact,
# and so is a changed first letter: "east" and "west", "unit 1" and "unit 2", "Nixon"
# and "Dixon" name different sites, one letter apart.
ONE_SLIP_FROM_LETTERS = 5
TWO_SLIPS_FROM_LETTERS = 9
# A word shortened: its first letters ("internat" for "international", "comm" for
# "community"), at least this many; or a contraction, its letters in order, first and
# last kept, at most half the length ("mij" for "maatschappij", "ctr" for "center",
# "mfg" for "manufacturing"). Only between names that share a word exactly: alone,
# "burr" and "burroughs" or "lee" and "lafayette" are two names, not one shortened.
ABBREVIATION_MIN_LETTERS = 3


@dataclass(frozen=True, slots=True)
class WordDifference:
    """Where two names' words part: the words each holds that the other does not, once
    words alike up to spelling, abbreviation or spacing ("head start"/"headstart") are
    paired off."""

    only_in_first: tuple[str, ...]
    only_in_second: tuple[str, ...]

    @property
    def same_words(self) -> bool:
        return not self.only_in_first and not self.only_in_second

    @property
    def one_within_other(self) -> bool:
        return not self.only_in_first or not self.only_in_second


def _abbreviates(short: str, long: str) -> bool:
    if len(short) < ABBREVIATION_MIN_LETTERS or len(short) > len(long) - 2:
        return False
    if long.startswith(short):
        return True
    if short[0] != long[0] or short[-1] != long[-1] or 2 * len(short) > len(long):
        return False
    letters = iter(long)
    return all(letter in letters for letter in short)  # a subsequence, in order


def respelled(a: str, b: str, *, shortened: bool = True) -> bool:
    """Whether two different words are one word spelled differently, or (``shortened``)
    abbreviated."""
    if not (a.isalpha() and b.isalpha()):
        return False  # numbers and codes differ or agree exactly
    short, long = sorted((a, b), key=len)
    if shortened and _abbreviates(short, long):
        return True
    if a[0] != b[0]:
        return False
    if len(short) >= TWO_SLIPS_FROM_LETTERS:
        return OSA.distance(a, b, score_cutoff=2) <= 2
    if len(short) >= ONE_SLIP_FROM_LETTERS:
        return OSA.distance(a, b, score_cutoff=1) <= 1
    return False


def _pair_off(first: list[str], second: list[str], shortened: bool) -> None:
    """Remove from both lists the words paired up to spelling."""
    for word in sorted(first, key=len, reverse=True):
        # Both a respelling and an abbreviation keep the first letter.
        match = next(
            (o for o in second if o[0] == word[0] and respelled(word, o, shortened=shortened)),
            None,
        )
        if match is not None:
            first.remove(word)
            second.remove(match)


def _join_off(first: list[str], second: list[str]) -> None:
    """Remove a word of ``first`` written as two neighbouring words of ``second``."""
    for word in list(first):
        for left, right in itertools.pairwise(second):
            if len(left) + len(right) == len(word) and left + right == word:
                first.remove(word)
                second.remove(left)
                second.remove(right)
                break


def word_difference(a: NormalisedName, b: NormalisedName) -> WordDifference:
    """How the words of two names differ, each word paired off once."""
    first, second = list(a.tokens), list(b.tokens)
    for word in a.tokens:
        if word in second:
            first.remove(word)
            second.remove(word)
    # Joined, respelled and shortened words all keep their first letter.
    if not first or not second or not {w[0] for w in first} & {w[0] for w in second}:
        return WordDifference(tuple(first), tuple(second))
    share_a_word = len(first) < len(a.tokens)
    _join_off(first, second)
    _join_off(second, first)
    if first and second:
        _pair_off(first, second, shortened=share_a_word)
    return WordDifference(tuple(first), tuple(second))
