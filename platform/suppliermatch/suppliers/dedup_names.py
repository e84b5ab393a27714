"""Enterprise names reduced to what identifies the enterprise.

"Sri Industries Private Limited" and "Shri Industries Pvt. Ltd." are one name: case,
punctuation, an honorific's spelling, an abbreviation and the legal-form suffix are
not what tells two enterprises apart. The legal form a suffix declares is kept beside
the name, since an LLP and a company are different legal persons.
"""

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
_LONG_SUFFIX_WORDS = frozenset(
    word for words, _ in _LEGAL_SUFFIXES for word in words if len(word) >= 6
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
