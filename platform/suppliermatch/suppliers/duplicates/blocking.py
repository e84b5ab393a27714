"""Which pairs of records are worth comparing, without comparing every one with every other.

Each rule proposes pairs on its own, and a pair any rule proposes is compared; a record
lacking what one rule needs (no place, no phone) is still reached by the others:

* the same value of an identifier or contact (GSTIN, PAN, Udyam number, phone, e-mail);
* the same distinctive word in the name: each record's ``WORDS_PER_RECORD`` rarest
  words, so that "Board of Trustees Acme College" and "Acme College Training Centre"
  meet on "acme" wherever it stands;
* neighbours in the list of all names sorted by their words (sorted neighbourhood),
  which catches a misspelled rare word.

A block small enough is compared in full. A larger one (one organisation's many
registrations under one phone, a word hundreds of names hold) is sorted by name and
place and each record is compared with its ``WINDOW`` neighbours: linear in the block's
size, and the pairs it skips are joined by the chains that remain.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np

# Blocks up to this size are compared in full.
ALL_PAIRS_BLOCK = 40
# Between two distinct names with many records each, the records of the other name a
# record is compared with, in place order.
EXPAND_WINDOW = 4
# Records under one name compared in full up to this many, else by place order.
SAME_NAME_ALL_PAIRS = 8
# Neighbours each record is compared with inside a larger block, and in the sorted list
# of all names.
WINDOW = 6
# The rarest words of each name that form blocks.
WORDS_PER_RECORD = 2


def _all_pairs(members: np.ndarray) -> np.ndarray:
    first, second = np.triu_indices(len(members), k=1)
    return _encode(members[first], members[second])


def _neighbour_pairs(ordered: np.ndarray, window: int) -> np.ndarray:
    chunks = [
        _encode(ordered[:-step], ordered[step:]) for step in range(1, min(window, len(ordered)))
    ]
    chunks.append(_encode(ordered[:0], ordered[:0]))
    return np.concatenate(chunks)


def _encode(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    return (low << 32) | high


def decode(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (codes >> 32).astype(np.int64), (codes & 0xFFFFFFFF).astype(np.int64)


def block_pairs(
    blocks: Iterable[list[int]], sort_rank: np.ndarray, all_pairs_up_to: int = ALL_PAIRS_BLOCK
) -> np.ndarray:
    """Pairs within blocks: all of them in a small block, neighbours in a large one."""
    chunks = [np.zeros(0, dtype=np.int64)]
    for members in blocks:
        if len(members) < 2:
            continue
        array = np.asarray(members, dtype=np.int64)
        if len(array) <= all_pairs_up_to:
            chunks.append(_all_pairs(array))
        else:
            chunks.append(_neighbour_pairs(array[np.argsort(sort_rank[array])], WINDOW + 1))
    return np.concatenate(chunks)


def value_blocks(values: Sequence[Iterable[str]]) -> Iterable[list[int]]:
    """Records holding the same value (each record may hold several: two phones)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, held in enumerate(values):
        for value in held:
            groups[value].append(index)
    return groups.values()


def rare_word_blocks(
    words: Sequence[Sequence[str]], frequency: dict[str, int]
) -> Iterable[list[int]]:
    """Records sharing one of their rarest words (words no other name holds form none)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, tokens in enumerate(words):
        # Ties in rarity go by the word itself: a set's order changes from run to run.
        shared = sorted(
            {t for t in tokens if frequency.get(t, 0) > 1}, key=lambda t: (frequency[t], t)
        )
        for token in shared[:WORDS_PER_RECORD]:
            groups[token].append(index)
    return groups.values()


def _expand(
    key_pairs: np.ndarray,
    records_of_key: Sequence[list[int]],
    sort_rank: np.ndarray,
    place: Sequence[int],
) -> np.ndarray:
    """Record pairs for pairs of distinct names. Records that both give a place meet
    only within one place (a namesake in another district is not the one a misspelling
    was meant for); the rest meet all of the other name's records when few, else their
    ``EXPAND_WINDOW`` neighbours in place order. The first record of each name always
    meets the other's, so that names with no place in common still chain.

    Plain Python: almost every name has a handful of records, where numpy's per-call
    cost is more than the work."""
    codes: list[int] = []
    add = codes.append
    large: list[tuple[list[int], list[int]]] = []
    first, second = decode(key_pairs)
    for x, y in zip(first.tolist(), second.tolist(), strict=True):
        a, b = records_of_key[x], records_of_key[y]
        add(_code(a[0], b[0]))
        if len(a) * len(b) <= ALL_PAIRS_BLOCK:
            for i in a:
                where = place[i]
                for j in b:
                    if where < 0 or place[j] < 0 or where == place[j]:
                        add(_code(i, j))
            continue
        in_b: dict[int, list[int]] = defaultdict(list)
        for j in b:
            in_b[place[j]].append(j)
        for i in a:
            if place[i] >= 0:
                for j in in_b.get(place[i], ()):
                    add(_code(i, j))
        if -1 in in_b or any(place[i] < 0 for i in a):
            large.append((a, b))
    chunks = [np.array(codes, dtype=np.int64)]
    for a, b in large:
        merged = np.array(a + b, dtype=np.int64)
        side = np.concatenate([np.zeros(len(a), bool), np.ones(len(b), bool)])
        order = np.argsort(sort_rank[merged], kind="stable")
        merged, side = merged[order], side[order]
        for step in range(1, EXPAND_WINDOW + 1):
            cross = side[:-step] != side[step:]
            chunks.append(_encode(merged[:-step][cross], merged[step:][cross]))
    return np.concatenate(chunks)


def _code(i: int, j: int) -> int:
    return (i << 32) | j if i < j else (j << 32) | i


def candidate_pairs(
    *,
    name_keys: Sequence[str],
    place_keys: Sequence[str],
    words: Sequence[Sequence[str]],
    frequency: dict[str, int],
    values: Sequence[Sequence[Iterable[str]]],
    names_alike: Callable[[int, int], bool],
) -> np.ndarray:
    """Every pair some rule proposes, once, as (low << 32 | high) codes.

    The name rules work on distinct names, so that 300 registrations under one
    spelling count as one name when its neighbours are sought; pairs of names that
    ``names_alike`` (given a record of each) rejects go no further, and the rest go
    back to the records (``_expand``). Records whose names are unlike meet only
    through a shared value.
    """
    count = len(name_keys)
    order = sorted(range(count), key=lambda i: (name_keys[i], place_keys[i]))
    place_codes: dict[str, int] = {}
    place = [place_codes.setdefault(key, len(place_codes)) if key else -1 for key in place_keys]
    sort_rank = np.empty(count, dtype=np.int64)
    sort_rank[np.array(order, dtype=np.int64)] = np.arange(count)
    chunks = [block_pairs(value_blocks(field), sort_rank) for field in values]

    distinct: dict[str, int] = {}
    members: list[list[int]] = []
    key_words: list[Sequence[str]] = []
    for index in order:
        key = name_keys[index]
        if not key:
            continue
        if key not in distinct:
            distinct[key] = len(members)
            members.append([])
            key_words.append(words[index])
        members[distinct[key]].append(index)
    # Registrations under one name: in place order, each with its neighbours, so that
    # namesakes in one district meet and 30 namesakes across a state do not make 435
    # pairs (records without a place sort first, together).
    chunks.append(block_pairs(members, sort_rank, all_pairs_up_to=SAME_NAME_ALL_PAIRS))
    key_rank = np.arange(len(members), dtype=np.int64)  # distinct keys are in sorted order
    key_pairs = np.unique(
        np.concatenate(
            [
                block_pairs(rare_word_blocks(key_words, frequency), key_rank),
                _neighbour_pairs(key_rank, WINDOW + 1),
            ]
        )
    )
    first, second = decode(key_pairs)
    alike = [
        names_alike(members[x][0], members[y][0])
        for x, y in zip(first.tolist(), second.tolist(), strict=True)
    ]
    alike_pairs = key_pairs[np.array(alike, dtype=bool)]
    chunks.append(_expand(alike_pairs, members, sort_rank, place))
    return np.unique(np.concatenate(chunks))
