"""Map a misspelt word onto the clinical vocabulary's words by edit distance (rapidfuzz).

Only words that are not English are touched: a word in spaCy's English lemma tables
(spacy-lookups-data: WordNet lemmas and their inflections) or in the guard list is kept as typed,
so "chess" never becomes "chest". A word of 3 to 6 letters may be one edit away from a vocabulary
word, a longer one two; ties between different targets are left alone (no guessing). British
th-fronting ("breeve", "fink") is tried as a spelling of "th".
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

MIN_LENGTH = 3
MIN_TARGET_LENGTH = 4


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Words spaCy's English lookup tables know (lemmas and inflected forms) and its stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS  # imported here: no spaCy language at import time

    data = resources.files("spacy_lookups_data") / "data"
    words: set[str] = set()
    with gzip.open(str(data / "en_lemma_index.json.gz"), "rt", encoding="utf-8") as handle:
        for lemmas in json.load(handle).values():
            words.update(lemma for lemma in lemmas if lemma.isalpha())
    with gzip.open(str(data / "en_lemma_lookup.json.gz"), "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    words.update(word for word in table if word.isalpha())
    words.update(lemma for lemma in table.values() if lemma.isalpha())
    words.update(STOP_WORDS)  # "the", "his", "her": not in WordNet, never to be "corrected"
    return frozenset(words)


def _max_distance(length: int) -> int:
    return 1 if length <= 6 else 2


def _variants(target: str) -> tuple[str, ...]:
    """The target and its th-fronted spellings ("breathe" -> "breave", "breafe")."""
    if "th" not in target:
        return (target,)
    return (target, target.replace("th", "v"), target.replace("th", "f"))


class SpellingCorrector:
    """Correct tokens towards `targets`; leave known English words and `guard` words alone."""

    def __init__(self, targets: Iterable[str], known: Iterable[str], guard: Iterable[str] = ()) -> None:
        self._targets = {t for t in targets if t.isalpha() and len(t) >= MIN_TARGET_LENGTH}
        self._keep = frozenset(known) | frozenset(guard) | frozenset(self._targets)
        self._spellings: dict[str, str] = {}
        for target in sorted(self._targets):
            for variant in _variants(target):
                self._spellings.setdefault(variant, target)
        self._choices = list(self._spellings)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """Return the vocabulary word `word` is a misspelling of, or `word` itself."""
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self._lookup(word)
        return cached

    def _lookup(self, word: str) -> str:
        if len(word) < MIN_LENGTH or not word.isalpha() or word in self._keep:
            return word
        limit = _max_distance(len(word))
        found = extract(word, self._choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=8)
        if not found:
            return word
        best = min(score for _, score, _ in found)
        targets = {self._spellings[choice] for choice, score, _ in found if score == best}
        if len(targets) != 1:
            return word  # two vocabulary words are equally close: do not guess
        return targets.pop()
