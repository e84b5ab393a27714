"""What a word is, for search and matching: Latin letters and digits, and the Indic scripts
the clusters write (Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada,
Malayalam), with their vowel signs and viramas.

Indic vowel signs are combining marks (Unicode categories Mn and Mc): ``str.isalnum`` and
``\\w`` do not count them, so a rule built on those would cut "मशीनिंग" after its first
consonant. The blocks are taken whole, except the danda and double danda (U+0964, U+0965),
which end a sentence. Zero-width (non-)joiners only shape the glyphs: they are dropped.
Stdlib only: the matching engine imports it.
"""

import re
import unicodedata

# Latin digits and letters (after case folding), U+0900..U+0D7F without the dandas.
NON_WORD = re.compile(r"[^0-9a-z\u0900-\u0963\u0966-\u0d7f]+")
_JOINERS = str.maketrans("", "", "\u200c\u200d")


def normal(text: str) -> str:
    """NFKC and case folding (one spelling of a nukta letter, of a ligature), no joiners."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # translate() looks up every character; most texts have no joiner to drop (issue 25).
    if "\u200c" in folded or "\u200d" in folded:
        return folded.translate(_JOINERS)
    return folded


def words_of(text: str | None) -> list[str]:
    return NON_WORD.sub(" ", normal(text or "")).split()
