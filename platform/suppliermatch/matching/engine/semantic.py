"""Meaning beside words: static embeddings, for suppliers whose words the buyer does not use.

BM25 finds suppliers sharing a word with the requirement; "Showcases" shares none with
"Display cases and fixtures", "lithium batteries" none with "cells". Each supplier's text
(its "(except ...)" notes left out) is embedded once, when indexed, with WordLlama
(static token embeddings distilled from a large language model's; the weights ship inside
the PyPI package, so nothing is downloaded at run time): the mean of its tokens' vectors,
the first ``DIMENSIONS`` of them (the vectors are trained Matryoshka-style, so a prefix is
itself an embedding), unit length, stored as float32 (float16 halves the memory but each
query then converts the whole matrix: 12 ms at 30,000 suppliers instead of 2).

Sentences that many suppliers write word for word ("Job work undertaken.", "Enquiries
welcome.") say nothing about what a firm makes, yet pull every vector they are in towards
the same point: a sentence held by at least ``BOILERPLATE_SHARE`` of the suppliers (and by
``BOILERPLATE_MIN`` of them) is left out of the embedded text (realtext, re-scored outside
the product: NDCG@10 0.643 -> 0.649). The counts are the index's (``Boilerplate``); the
lexical side keeps every word, where BM25's idf already discounts such words.

A text-path query is embedded the same way, moved towards the vectors of its best BM25
matches (pseudo-relevance feedback, as the lexical side does with words), and compared
with every supplier by cosine similarity.

Measured on ../shared/bench/realtext (fused with BM25 as in ``ranking``; semantic alone
NDCG@10 0.585, BM25 0.541): 256 / 128 / 64 dimensions gave 0.646 / 0.643 / 0.631; 128
costs 512 bytes a supplier (512 MB at a million). Embedding runs at about 10,000 texts a
second on one core here (docs/matching.md).
"""

from __future__ import annotations

import itertools
from functools import cache
from importlib import resources

import numpy as np

from suppliermatch.matching.engine.text import sentences

DIMENSIONS = 128
_PACKAGE = "wordllama"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
# Texts summed at once: 256 texts of 40 words gather 5 MB of token vectors, which stay in
# the CPU's cache while they are added up; 4,096 at once (84 MB) took four times as long
# (100,000 texts: 1.2 s against 5.2 s, measured here).
_SUM_BATCH = 256
BOILERPLATE_SHARE = 0.01
BOILERPLATE_MIN = 3
# Only short sentences are counted: boilerplate is short, and counting every long sentence
# of a million suppliers would cost memory for nothing.
BOILERPLATE_MAX_CHARS = 60


class Boilerplate:
    """How many suppliers write each short sentence, and a text without the common ones."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._texts = 0

    def count(self, text: str) -> None:
        self._texts += 1
        for sentence in {_key(s) for s in sentences(text) if len(s) <= BOILERPLATE_MAX_CHARS}:
            self._counts[sentence] = self._counts.get(sentence, 0) + 1

    def is_common(self, sentence: str) -> bool:
        if len(sentence) > BOILERPLATE_MAX_CHARS:
            return False
        held = self._counts.get(_key(sentence), 0)
        return held >= BOILERPLATE_MIN and held >= BOILERPLATE_SHARE * self._texts

    def without_common(self, text: str) -> str:
        """``text`` without its common sentences (the whole text if nothing else is left)."""
        every = sentences(text)
        kept = [s for s in every if not self.is_common(s)]
        return ". ".join(kept) if kept and len(kept) < len(every) else text


def _key(sentence: str) -> str:
    return " ".join(sentence.casefold().split())


@cache
def _model():
    """(token vectors, tokenizer). Loaded from the package's own files: WordLlama.load
    looks for its tokenizer in a folder the wheel does not ship ("tokenizer/" beside
    "tokenizers/") and then tries to download it, which a server must never depend on."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    package = resources.files(_PACKAGE)
    with (
        resources.as_file(package.joinpath(*_WEIGHTS)) as path,
        safe_open(str(path), framework="np") as weights,
    ):
        table = weights.get_tensor(next(iter(weights.keys())))[:, :DIMENSIONS]
    with resources.as_file(package.joinpath(*_TOKENIZER)) as path:
        tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return np.ascontiguousarray(table, dtype=np.float32), tokenizer


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text, float32 (a text with no words: the zero vector).

    WordLlama's embedding of a text is the mean of its tokens' vectors. The tokenizer
    never joins two words separated by a space into one token, so each distinct word
    of the batch is tokenised once, its tokens' vectors summed, and a text is the sum
    of its words' sums, the same vector to float rounding (cosine 1.0 on realtext's
    texts). Tokenising distinct words instead of every text: 20,080 texts in 1.46 s
    instead of 3.58 s; a million suppliers' index build 185 s instead of 211 s. (The
    mean's division is left out: the vector is scaled to unit length.)"""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    vocabulary: dict[str, int] = {}
    words_of = [
        [vocabulary.setdefault(word, len(vocabulary)) for word in (text or "").split()]
        for text in texts
    ]
    if not vocabulary:
        return out
    word_vectors = _word_vectors(list(vocabulary))
    for first in range(0, len(texts), _SUM_BATCH):
        chunk = words_of[first : first + _SUM_BATCH]
        lengths = np.fromiter((len(words) for words in chunk), dtype=np.int64, count=len(chunk))
        if not lengths.any():
            continue
        ids = np.fromiter(itertools.chain.from_iterable(chunk), dtype=np.int64)
        held = np.nonzero(lengths)[0]
        starts = np.concatenate(([0], np.cumsum(lengths[held])[:-1]))
        out[first + held] = np.add.reduceat(word_vectors[ids], starts, axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=out, where=norms > 0)


def _word_vectors(words: list[str]) -> np.ndarray:
    """The sum of each word's token vectors. The tokenizer marks a word's start as
    SentencePiece does ("▁" before it, for a space), so a word alone reads as in a text."""
    table, tokenizer = _model()
    encoded = tokenizer.encode_batch(words, add_special_tokens=False)
    lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
    ids = np.fromiter(itertools.chain.from_iterable(e.ids for e in encoded), dtype=np.int64)
    np.clip(ids, 0, table.shape[0] - 1, out=ids)
    vectors = np.zeros((len(words), DIMENSIONS), dtype=np.float32)
    held = np.nonzero(lengths)[0]
    starts = np.concatenate(([0], np.cumsum(lengths[held])[:-1]))
    vectors[held] = np.add.reduceat(table[ids], starts, axis=0)
    return vectors


def similarities(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of ``query`` (unit) with each row of ``matrix`` (unit vectors,
    rows x DIMENSIONS)."""
    return matrix @ query.astype(np.float32)


def unit(vector: np.ndarray) -> np.ndarray:
    vector = vector.astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
