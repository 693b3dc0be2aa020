"""Load the clinical vocabulary (concept phrases, token patterns, co-occurring word sets and context
cues) from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_VOCABULARY_PATH = Path(__file__).resolve().parent / "data" / "vocabulary.yml"
CONCEPT_KINDS = frozenset({"red_flag", "symptom", "request", "context"})
_CUE_LISTS = ("negation", "inability_heads", "pseudo_negation_next", "history_before",
              "history_after", "terminators", "negation_breakers")
# Optional cue lists (empty when absent), so older vocabulary files still load.
_OPTIONAL_CUE_LISTS = ("hypothetical_before", "other_history_before", "present_time",
                       "cooccur_terminators", "spelling_guard")


class VocabularyError(ValueError):
    """The vocabulary file is malformed; the message says where."""


@dataclass(frozen=True)
class Concept:
    """One clinical concept and the ways patients write it."""

    id: str
    kind: str
    phrases: tuple[str, ...]
    patterns: tuple[tuple[dict[str, Any], ...], ...]
    use_lemma: bool = True
    # Each entry is a list of word sets; every set must have a word (by form or lemma) in one clause.
    cooccur: tuple[tuple[frozenset[str], ...], ...] = ()
    # Phrases matched on the exact lower-cased words only ("spotting" must not match "spots").
    exact: tuple[str, ...] = ()
    # A lasting state (no spleen, a transplant): a past event that caused it is still current.
    timeless: bool = False
    # Words that, right after a mention, change what it means: "can't pee" is retention, "can't pee
    # without it stinging" is a urine infection. Such a mention is not this concept.
    not_before: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Cues:
    """Words that change what a mention means: negation, history, clause ends."""

    negation: tuple[str, ...]
    inability_heads: frozenset[str]
    pseudo_negation_next: frozenset[str]
    history_before: tuple[str, ...]
    history_after: tuple[str, ...]
    terminators: tuple[str, ...]
    negation_breakers: frozenset[str]
    scope: int
    hypothetical_before: tuple[str, ...] = ()
    other_history_before: tuple[str, ...] = ()
    present_time: tuple[str, ...] = ()
    cooccur_terminators: frozenset[str] = frozenset()
    spelling_guard: frozenset[str] = frozenset()
    cooccur_window: int = 12


@dataclass(frozen=True)
class Vocabulary:
    """The whole vocabulary file."""

    version: str
    cues: Cues
    concepts: tuple[Concept, ...]

    def kind_of(self, concept_id: str) -> str:
        """Return the kind of a concept id."""
        for concept in self.concepts:
            if concept.id == concept_id:
                return concept.kind
        raise KeyError(concept_id)


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise VocabularyError(f"{where}: expected a list of non-empty strings")
    return tuple(item.lower() for item in value)


def _parse_concept(concept_id: str, raw: Any) -> Concept:
    where = f"concepts.{concept_id}"
    if not isinstance(raw, dict):
        raise VocabularyError(f"{where}: expected a mapping")
    kind = raw.get("kind")
    if kind not in CONCEPT_KINDS:
        raise VocabularyError(f"{where}.kind: {kind!r} is not one of {sorted(CONCEPT_KINDS)}")
    phrases = _string_list(raw.get("phrases", []), f"{where}.phrases")
    exact = _string_list(raw.get("exact", []), f"{where}.exact")
    cooccur = _parse_cooccur(raw.get("cooccur", []), f"{where}.cooccur")
    patterns = raw.get("patterns", [])
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in patterns
    ):
        raise VocabularyError(f"{where}.patterns: expected a list of token-pattern lists")
    if not phrases and not patterns and not cooccur and not exact:
        raise VocabularyError(f"{where}: needs at least one phrase, pattern or cooccur entry")
    use_lemma = raw.get("lemma", True)
    if not isinstance(use_lemma, bool):
        raise VocabularyError(f"{where}.lemma: expected true or false")
    timeless = raw.get("timeless", False)
    if not isinstance(timeless, bool):
        raise VocabularyError(f"{where}.timeless: expected true or false")
    not_before = frozenset(_string_list(raw.get("not_before", []), f"{where}.not_before"))
    return Concept(concept_id, kind, phrases, tuple(tuple(p) for p in patterns), use_lemma,
                   cooccur, exact, timeless, not_before)


def _parse_cooccur(raw: Any, where: str) -> tuple[tuple[frozenset[str], ...], ...]:
    """`cooccur: [[[neck], [stiff, stiffness]], ...]`: each entry needs two or more word sets."""
    if not isinstance(raw, list):
        raise VocabularyError(f"{where}: expected a list of lists of word sets")
    entries = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, list) or len(entry) < 2:
            raise VocabularyError(f"{where}[{index}]: expected two or more word sets")
        sets = tuple(frozenset(_string_list(words, f"{where}[{index}]")) for words in entry)
        if any(" " in word for words in sets for word in words):
            raise VocabularyError(f"{where}[{index}]: word sets hold single words, not phrases")
        entries.append(sets)
    return tuple(entries)


def _parse_cues(raw: Any) -> Cues:
    if not isinstance(raw, dict):
        raise VocabularyError("cues: expected a mapping")
    lists = {name: _string_list(raw.get(name), f"cues.{name}") for name in _CUE_LISTS}
    optional = {name: _string_list(raw.get(name, []), f"cues.{name}") for name in _OPTIONAL_CUE_LISTS}
    scope = raw.get("scope")
    if not isinstance(scope, int) or scope < 1:
        raise VocabularyError("cues.scope: expected a positive integer")
    window = raw.get("cooccur_window", 12)
    if not isinstance(window, int) or window < 2:
        raise VocabularyError("cues.cooccur_window: expected an integer of at least 2")
    return Cues(
        negation=lists["negation"],
        inability_heads=frozenset(lists["inability_heads"]),
        pseudo_negation_next=frozenset(lists["pseudo_negation_next"]),
        history_before=lists["history_before"],
        history_after=lists["history_after"],
        terminators=lists["terminators"],
        negation_breakers=frozenset(lists["negation_breakers"]),
        scope=scope,
        hypothetical_before=optional["hypothetical_before"],
        other_history_before=optional["other_history_before"],
        present_time=optional["present_time"],
        cooccur_terminators=frozenset(optional["cooccur_terminators"]),
        spelling_guard=frozenset(optional["spelling_guard"]),
        cooccur_window=window,
    )


def parse_vocabulary(raw: Any) -> Vocabulary:
    """Validate the parsed YAML and build a Vocabulary."""
    if not isinstance(raw, dict) or "version" not in raw:
        raise VocabularyError("vocabulary: expected a mapping with a top-level 'version'")
    concepts_raw = raw.get("concepts")
    if not isinstance(concepts_raw, dict) or not concepts_raw:
        raise VocabularyError("concepts: expected a non-empty mapping of concept id -> entry")
    concepts = tuple(_parse_concept(str(cid), entry) for cid, entry in concepts_raw.items())
    return Vocabulary(str(raw["version"]), _parse_cues(raw.get("cues")), concepts)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice (YAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise VocabularyError(f"line {key_node.start_mark.line + 1}: {key!r} is given twice")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_vocabulary(path: Path = DEFAULT_VOCABULARY_PATH) -> Vocabulary:
    """Read and validate a vocabulary YAML file (a key given twice is an error)."""
    with path.open(encoding="utf-8") as handle:
        return parse_vocabulary(yaml.load(handle, Loader=_UniqueKeyLoader))  # noqa: S506 (a SafeLoader)
