"""Tag symptoms and red flags in patient text, with character spans, negation and history.

Pure spaCy, no Rasa: a `spacy.blank("en")` pipeline with a lookup lemmatizer (tables from
spacy-lookups-data), PhraseMatchers on LOWER and LEMMA and a token Matcher, all built from
the YAML vocabulary on first use and cached. Usage:

    from bot.nlu.clinical_matcher import get_clinical_matcher
    for match in get_clinical_matcher().find("no chest pain but cant breath"):
        print(match.concept, match.status, match.start, match.end)

Before matching, words that are not English are mapped onto the vocabulary's words by edit
distance ("chesst" -> "chest", bot/nlu/spelling.py); besides phrases and patterns, a concept may be
recognised from its words in any order within a clause (`cooccur`, bot/nlu/cooccurrence.py).

Negation is NegEx-like but deliberately narrow, because a wrong negation can hide an
emergency: a cue reaches only the nearest following mention in its clause (and mentions
joined to it by "or"/"nor"), and "can't breathe" / "won't stop bleeding" are not negations.
A hypothetical cue ("what should I do if I get") and another person's past ("my dad had") make
the nearest mention not current too, unless the clause says it is happening now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from bot.nlu.cooccurrence import clause_ids, find_cooccurrences
from bot.nlu.spelling import SpellingCorrector, english_words
from bot.triage.vocabulary import DEFAULT_VOCABULARY_PATH, Vocabulary, load_vocabulary

logger = logging.getLogger(__name__)

Status = Literal["current", "negated", "historical", "hypothetical"]
_LIST_JOINERS = frozenset({"or", "nor", "/", "any"})
_DROPPABLE_WHEN_CONTAINED = frozenset({"symptom", "request"})
_INTENSIFIERS = frozenset({"really", "very", "that", "too", "so", "at", "all", "as"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


@dataclass(frozen=True)
class ConceptMatch:
    """One mention of a concept in the text; `start`/`end` are character offsets."""

    concept: str
    kind: str
    text: str
    start: int
    end: int
    status: Status

    @property
    def is_current(self) -> bool:
        """True when the mention is a present problem (not negated, not in the past)."""
        return self.status == "current"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping."""
        return {"concept": self.concept, "kind": self.kind, "text": self.text,
                "start": self.start, "end": self.end, "status": self.status}


@dataclass(frozen=True)
class _Hit:
    concept: str
    start: int  # token indices
    end: int
    from_words: bool = False  # found by co-occurrence: its span may hold other mentions


def build_pipeline() -> Language:
    """Return a blank English pipeline with a lookup-mode lemmatizer, initialised offline."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data; no download
    return nlp


def _reach(ahead: list[_Hit]) -> int:
    """Where a cue's reach ends: the first mention's end, but a mention found from words spread over
    the clause ("lip ... swelling ... hives") reaches only as far as a mention at its first word."""
    first = ahead[0]
    if not first.from_words:
        return first.end
    same_start = [h.end for h in ahead if h.start == first.start and not h.from_words]
    return max(same_start, default=first.start + 1)


def _normalise(text: str) -> str:
    """Lower-case and straighten apostrophes without changing character offsets."""
    lowered = text.translate(_APOSTROPHES).lower()
    return lowered if len(lowered) == len(text) else text.translate(_APOSTROPHES)


class ClinicalMatcher:
    """Find vocabulary concepts in free text and decide whether each is current."""

    def __init__(self, vocabulary: Vocabulary, nlp: Language | None = None) -> None:
        self.vocabulary = vocabulary
        self._nlp = nlp if nlp is not None else build_pipeline()
        self._kinds = {concept.id: concept.kind for concept in vocabulary.concepts}
        self._timeless = frozenset(concept.id for concept in vocabulary.concepts if concept.timeless)
        self._by_lower = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._by_lemma = PhraseMatcher(self._nlp.vocab, attr="LEMMA")
        self._by_tokens = Matcher(self._nlp.vocab)
        for concept in vocabulary.concepts:
            if concept.phrases:
                self._by_lower.add(concept.id, [self._nlp.make_doc(p) for p in concept.phrases])
                if concept.use_lemma:
                    self._by_lemma.add(concept.id, list(self._nlp.pipe(concept.phrases)))
            if concept.patterns:
                patterns = [[dict(token) for token in pattern] for pattern in concept.patterns]
                self._by_tokens.add(concept.id, patterns, greedy="LONGEST")
            if concept.exact:
                self._by_lower.add(concept.id, [self._nlp.make_doc(p) for p in concept.exact])
        self._cooccur = [(concept.id, entry) for concept in vocabulary.concepts for entry in concept.cooccur]
        self._not_before = {concept.id: concept.not_before for concept in vocabulary.concepts if concept.not_before}
        self._speller = SpellingCorrector(_vocabulary_words(vocabulary), english_words(),
                                          vocabulary.cues.spelling_guard)
        cues = vocabulary.cues
        self._cooccur_terminators = cues.cooccur_terminators or frozenset(cues.terminators)
        self._cues = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._cues.add("NEGATION", [self._nlp.make_doc(c) for c in cues.negation])
        self._cues.add("HISTORY_BEFORE", [self._nlp.make_doc(c) for c in cues.history_before])
        self._cues.add("HISTORY_AFTER", [self._nlp.make_doc(c) for c in cues.history_after])
        self._cues.add("TERMINATOR", [self._nlp.make_doc(c) for c in cues.terminators])
        for label, phrases in (("HYPOTHETICAL", cues.hypothetical_before),
                               ("OTHER_HISTORY", cues.other_history_before),
                               ("PRESENT", cues.present_time)):
            if phrases:
                self._cues.add(label, [self._nlp.make_doc(c) for c in phrases])

    @property
    def kinds(self) -> dict[str, str]:
        """Concept id -> kind, for every concept of the vocabulary."""
        return dict(self._kinds)

    def find(self, text: str) -> list[ConceptMatch]:
        """Return every concept mention in `text`, in reading order, with its status."""
        typed = self._nlp.make_doc(_normalise(text))
        doc = self._corrected(typed)
        hits = self._drop_contained(self._hits(doc))
        negated = self._negated(doc, hits)
        historical = self._historical(doc, hits)
        hypothetical = self._reached(doc, hits, "HYPOTHETICAL")
        historical |= self._reached(doc, hits, "OTHER_HISTORY")
        matches = []
        for hit in hits:
            status: Status = "current"
            if hit in negated:
                status = "negated"
            elif hit in historical and hit.concept not in self._timeless:
                status = "historical"  # "no spleen since years ago" is still no spleen
            elif hit in hypothetical:
                status = "hypothetical"
            span = typed[hit.start:hit.end]  # offsets of what the patient typed
            matches.append(ConceptMatch(hit.concept, self._kinds[hit.concept],
                                        text[span.start_char:span.end_char],
                                        span.start_char, span.end_char, status))
        logger.debug("clinical matcher found %d mentions", len(matches))
        return matches

    def _corrected(self, typed: Doc) -> Doc:
        """The typed words with misspellings mapped to vocabulary words, run through the pipeline."""
        words = [self._speller.correct(token.text) for token in typed]
        doc = typed
        if any(word != token.text for word, token in zip(words, typed, strict=True)):
            doc = Doc(self._nlp.vocab, words=words, spaces=[bool(t.whitespace_) for t in typed])
        for _, component in self._nlp.pipeline:
            doc = component(doc)
        return doc

    def _hits(self, doc: Doc) -> list[_Hit]:
        found: set[_Hit] = set()
        matchers: tuple[Any, ...] = (self._by_lower, self._by_lemma, self._by_tokens)
        for matcher in matchers:
            for match_id, start, end in matcher(doc):
                found.add(_Hit(self._nlp.vocab.strings[match_id], start, end))
        clauses = clause_ids(doc, self._cooccur_terminators)
        for hit in find_cooccurrences(doc, self._cooccur, clauses, self.vocabulary.cues.cooccur_window):
            found.add(_Hit(hit.concept, hit.start, hit.end, from_words=True))
        found = {hit for hit in found if not self._changed_by_next_word(doc, hit)}
        return sorted(found, key=lambda h: (h.start, -h.end, h.concept, h.from_words))

    def _changed_by_next_word(self, doc: Doc, hit: _Hit) -> bool:
        """True when the word right after the mention is one of its concept's `not_before` words."""
        words = self._not_before.get(hit.concept)
        if not words:
            return False
        return hit.end < len(doc) and doc[hit.end].lower_ in words

    def _drop_contained(self, hits: list[_Hit]) -> list[_Hit]:
        """Prefer the longest mention, but never drop a red flag or a context (safety first)."""
        kept = []
        for hit in hits:
            # A mention found from spread-out words never hides a phrase inside its span: the
            # phrase may be negated or current on its own ("knee pain, it's not swollen").
            inside_longer = any(
                other.start <= hit.start and hit.end <= other.end
                and (other.end - other.start) > (hit.end - hit.start)
                and other.from_words <= hit.from_words
                and (other.concept == hit.concept or self._kinds[hit.concept] in _DROPPABLE_WHEN_CONTAINED)
                for other in hits
            )
            if not inside_longer:
                kept.append(hit)
        return [hit for i, hit in enumerate(kept)  # one mention per concept and span
                if not any(o.concept == hit.concept and (o.start, o.end) == (hit.start, hit.end)
                           for o in kept[:i])]

    def _cue_spans(self, doc: Doc, label: str) -> list[tuple[int, int]]:
        if label not in self._nlp.vocab.strings:
            return []
        key = self._nlp.vocab.strings[label]
        return sorted((start, end) for match_id, start, end in self._cues(doc) if match_id == key)

    def _reached(self, doc: Doc, hits: list[_Hit], label: str) -> set[_Hit]:
        """A hypothetical cue ("what if i get") or another person's past ("my dad had") reaches the
        nearest following mention in its clause, unless a word near it says it is happening now."""
        clause = self._clause_ids(doc)
        present = [start for start, _ in self._cue_spans(doc, "PRESENT")]
        reached: set[_Hit] = set()
        for start, end in self._cue_spans(doc, label):
            # a mention may start inside the cue: "my mum [had a stroke]"
            ahead = [h for h in hits if h.start > start and clause[h.start] == clause[start]]
            if not ahead or ahead[0].start - end > self.vocabulary.cues.scope:
                continue
            if any(start - 2 <= p <= ahead[0].end + 2 for p in present):
                continue  # "my dad just had a stroke", "had a fit a minute ago"
            reached.update(h for h in ahead if h.start < _reach(ahead))
        return reached

    def _clause_ids(self, doc: Doc) -> list[int]:
        """Number the clauses: a terminator token starts a new one."""
        terminator_tokens = {i for s, e in self._cue_spans(doc, "TERMINATOR") for i in range(s, e)}
        clause, ids = 0, []
        for i in range(len(doc)):
            if i in terminator_tokens:
                clause += 1
            ids.append(clause)
        return ids

    def _is_real_negation(self, doc: Doc, start: int, end: int) -> bool:
        cues = self.vocabulary.cues
        before = doc[start - 1].lower_ if start > 0 else ""
        if doc[start].lemma_ == "not" and before in cues.inability_heads:
            return False  # "can't breathe", "won't stop bleeding"
        after = doc[end].lower_ if end < len(doc) else ""
        return after not in cues.pseudo_negation_next

    def _negated(self, doc: Doc, hits: list[_Hit]) -> set[_Hit]:
        cues = self.vocabulary.cues
        clause = self._clause_ids(doc)
        negated: set[_Hit] = set()
        for cue_start, cue_end in self._cue_spans(doc, "NEGATION"):
            if not self._is_real_negation(doc, cue_start, cue_end):
                continue
            following = [h for h in hits if h.start >= cue_end]
            if not following:
                continue
            first = following[0]
            between = doc[cue_end:first.start]
            if (first.start - cue_end > cues.scope or clause[first.start] != clause[cue_start]
                    or any(t.lower_ in cues.negation_breakers for t in between)):
                continue
            group = [h for h in following if first.start <= h.start < _reach(following)]
            negated.update(group)
            negated.update(self._joined_list(doc, following, group))
        negated.update(self._denied_inside(doc, hits))
        # Spread-out words whose last word lies in a denied mention of the same concept are denied
        # with it: "nipped my hand, it didn't go through the skin" is no puncture.
        negated.update(h for h in hits if h.from_words and any(
            n.concept == h.concept and h.start <= n.start < h.end <= n.end and n != h for n in negated))
        return negated

    def _denied_inside(self, doc: Doc, hits: list[_Hit]) -> set[_Hit]:
        """"my neck isn't stiff": a concept found from its words is denied by a real negation cue
        between them that bears directly on its last word (and on nothing else)."""
        denied: set[_Hit] = set()
        for cue_start, cue_end in self._cue_spans(doc, "NEGATION"):
            if not self._is_real_negation(doc, cue_start, cue_end):
                continue
            target = cue_end
            while target < len(doc) and doc[target].lower_ in _INTENSIFIERS:
                target += 1
            denied.update(h for h in hits if h.from_words and h.start < cue_start and h.end - 1 == target)
        return denied

    def _joined_list(self, doc: Doc, following: list[_Hit], group: list[_Hit]) -> list[_Hit]:
        """Mentions joined to a negated one by "or"/"nor" ("no fever or rash") share its negation."""
        joined: list[_Hit] = []
        end = max(h.end for h in group)
        for hit in following:
            if hit.start < end:
                continue
            gap = doc[end:hit.start]
            if 1 <= len(gap) <= 2 and all(t.lower_ in _LIST_JOINERS for t in gap):
                joined.append(hit)
                end = max(end, hit.end)
            else:
                break
        return joined

    def _historical(self, doc: Doc, hits: list[_Hit]) -> set[_Hit]:
        """A history cue reaches the nearest mention in its clause, forward or back by cue type."""
        clause = self._clause_ids(doc)
        historical: set[_Hit] = set()
        for start, end in self._cue_spans(doc, "HISTORY_BEFORE"):
            ahead = [h for h in hits if h.start >= end and clause[h.start] == clause[start]]
            if ahead:
                historical.update(h for h in ahead if h.start < _reach(ahead))
        for start, _ in self._cue_spans(doc, "HISTORY_AFTER"):
            behind = [h for h in hits if h.end <= start and clause[h.start] == clause[start]]
            if behind:
                last_end = max(h.end for h in behind)
                nearest_start = max(h.start for h in behind if h.end == last_end)
                historical.update(h for h in behind if h.end > nearest_start)
        return historical


def _vocabulary_words(vocabulary: Vocabulary) -> set[str]:
    """Every word the vocabulary spells out (phrases and co-occurrence sets): the speller's targets."""
    words: set[str] = set()
    for concept in vocabulary.concepts:
        for phrase in concept.phrases + concept.exact:
            words.update(phrase.split())
        for entry in concept.cooccur:
            for word_set in entry:
                words.update(word_set)
    return words


@lru_cache(maxsize=4)
def _cached_matcher(path: str) -> ClinicalMatcher:
    logger.info("building the clinical matcher from %s", path)
    return ClinicalMatcher(load_vocabulary(Path(path)))


def get_clinical_matcher(path: Path = DEFAULT_VOCABULARY_PATH) -> ClinicalMatcher:
    """Return the shared matcher for a vocabulary file, building it on first use."""
    return _cached_matcher(str(path))
