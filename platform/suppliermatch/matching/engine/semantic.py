"""Meaning beside words: static embeddings, for suppliers whose words the buyer does not use.

BM25 finds suppliers sharing a word with the requirement; "Showcases" shares none with
"Display cases and fixtures", "lithium batteries" none with "cells". Each supplier's text
(its "(except ...)" notes left out) is embedded once, when indexed, with WordLlama
(static token embeddings distilled from a large language model's; the weights ship inside
the PyPI package, so nothing is downloaded at run time): the mean of its tokens' vectors,
the first ``DIMENSIONS`` of them (the vectors are trained Matryoshka-style, so a prefix is
itself an embedding), unit length, stored as float32 (float16 halves the memory but each
query then converts the whole matrix: 12 ms at 30,000 suppliers instead of 2).

A text-path query is embedded the same way, moved towards the vectors of its best BM25
matches (pseudo-relevance feedback, as the lexical side does with words), and compared
with every supplier by cosine similarity.

Measured on ../shared/bench/realtext (fused with BM25 as in ``ranking``; semantic alone
NDCG@10 0.585, BM25 0.541): 256 / 128 / 64 dimensions gave 0.646 / 0.643 / 0.631; 128
costs 512 bytes a supplier (512 MB at a million). Embedding runs at about 10,000 texts a
second on one core here: it triples the index build (docs/matching.md).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np

DIMENSIONS = 128
_PACKAGE = "wordllama"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
_BATCH = 256


@cache
def _model():
    # Loaded from the package's own files: WordLlama.load looks for its tokenizer in a
    # folder the wheel does not ship ("tokenizer/" beside "tokenizers/") and then tries to
    # download it, which a server must never depend on.
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    package = resources.files(_PACKAGE)
    with (
        resources.as_file(package.joinpath(*_WEIGHTS)) as path,
        safe_open(str(path), framework="np") as weights,
    ):
        table = weights.get_tensor(next(iter(weights.keys())))[:, :DIMENSIONS]
    with resources.as_file(package.joinpath(*_TOKENIZER)) as path:
        tokenizer = Tokenizer.from_file(str(path))
    return WordLlamaInference(np.ascontiguousarray(table, dtype=np.float32), tokenizer)


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text, float32 (a text with no words: the zero vector)."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    wanted = [i for i, text in enumerate(texts) if text and text.strip()]
    if not wanted:
        return out
    vectors = _model().embed([texts[i] for i in wanted], batch_size=_BATCH)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out[wanted] = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return out


def similarities(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine similarity of ``query`` (unit) with each column of ``matrix`` (unit vectors,
    DIMENSIONS x rows)."""
    return query.astype(np.float32) @ matrix


def unit(vector: np.ndarray) -> np.ndarray:
    vector = vector.astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
