"""Recognise a concept from the words that make it up, in any order, within one clause.

A vocabulary concept may list `cooccur` entries: each entry is a list of word sets, and the entry
matches when every set has a word (compared by lower-cased form and by lemma) in the same clause,
all within `window` tokens. "my testicle suddenly really hurts" thus holds [testicle] + [sudden,
suddenly] + [hurt, pain] whatever the order or the words in between. The match's span runs from
the first to the last of the words used, so negation and history cues treat it like any mention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc

WordSets = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class CooccurrenceHit:
    """A concept found from its words; `start`/`end` are token indices (end exclusive)."""

    concept: str
    start: int
    end: int


def clause_ids(doc: Doc, terminators: frozenset[str]) -> list[int]:
    """Number the clauses of `doc`: a terminator token starts a new one."""
    clause, ids = 0, []
    for token in doc:
        if token.lower_ in terminators:
            clause += 1
        ids.append(clause)
    return ids


def _index(doc: Doc) -> dict[str, list[int]]:
    """Word (lower-cased form and lemma) -> the token positions where it occurs."""
    index: dict[str, list[int]] = {}
    for token in doc:
        index.setdefault(token.lower_, []).append(token.i)
        if token.lemma_ != token.lower_:
            index.setdefault(token.lemma_, []).append(token.i)
    return index


def _positions(index: dict[str, list[int]], words: frozenset[str]) -> list[int]:
    return sorted({i for word in words for i in index.get(word, ())})


def _best_window(positions: list[list[int]], window: int) -> tuple[int, int] | None:
    """The tightest (first, last) token pair holding one position of every set, if within `window`."""
    best: tuple[int, int] | None = None
    for anchor in positions[0]:
        chosen = [anchor]
        for others in positions[1:]:
            # one token fills one set only: when sets share a word ("watery" both describes and is
            # the fluid), take the nearest token not already used
            free = [i for i in others if i not in chosen]
            if not free:
                break
            chosen.append(min(free, key=lambda i: abs(i - anchor)))
        if len(chosen) < len(positions):
            continue
        first, last = min(chosen), max(chosen)
        if last - first >= window:
            continue
        if best is None or last - first < best[1] - best[0]:
            best = (first, last)
    return best


def find_cooccurrences(doc: Doc, specs: Iterable[tuple[str, WordSets]], clauses: list[int],
                       window: int) -> list[CooccurrenceHit]:
    """Every (concept, entry) whose word sets all occur in one clause of `doc`."""
    index = _index(doc)
    hits = []
    for concept, word_sets in specs:
        positions = [_positions(index, words) for words in word_sets]
        if not all(positions):
            continue  # cheap test first: most entries miss a word set altogether
        for clause in sorted({clauses[i] for i in positions[0]}):
            in_clause = [[i for i in found if clauses[i] == clause] for found in positions]
            if not all(in_clause):
                continue
            best = _best_window(in_clause, window)
            if best is not None:
                hits.append(CooccurrenceHit(concept, best[0], best[1] + 1))
    return hits
