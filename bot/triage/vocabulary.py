"""Load the clinical vocabulary (concept phrases, token patterns and context cues) from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_VOCABULARY_PATH = Path(__file__).resolve().parent / "data" / "vocabulary.yml"
CONCEPT_KINDS = frozenset({"red_flag", "symptom", "request", "context"})
_CUE_LISTS = ("negation", "inability_heads", "pseudo_negation_next", "history_before",
              "history_after", "terminators", "negation_breakers")


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
    patterns = raw.get("patterns", [])
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in patterns
    ):
        raise VocabularyError(f"{where}.patterns: expected a list of token-pattern lists")
    if not phrases and not patterns:
        raise VocabularyError(f"{where}: needs at least one phrase or pattern")
    use_lemma = raw.get("lemma", True)
    if not isinstance(use_lemma, bool):
        raise VocabularyError(f"{where}.lemma: expected true or false")
    return Concept(concept_id, kind, phrases, tuple(tuple(p) for p in patterns), use_lemma)


def _parse_cues(raw: Any) -> Cues:
    if not isinstance(raw, dict):
        raise VocabularyError("cues: expected a mapping")
    lists = {name: _string_list(raw.get(name), f"cues.{name}") for name in _CUE_LISTS}
    scope = raw.get("scope")
    if not isinstance(scope, int) or scope < 1:
        raise VocabularyError("cues.scope: expected a positive integer")
    return Cues(
        negation=lists["negation"],
        inability_heads=frozenset(lists["inability_heads"]),
        pseudo_negation_next=frozenset(lists["pseudo_negation_next"]),
        history_before=lists["history_before"],
        history_after=lists["history_after"],
        terminators=lists["terminators"],
        negation_breakers=frozenset(lists["negation_breakers"]),
        scope=scope,
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


def load_vocabulary(path: Path = DEFAULT_VOCABULARY_PATH) -> Vocabulary:
    """Read and validate a vocabulary YAML file."""
    with path.open(encoding="utf-8") as handle:
        return parse_vocabulary(yaml.safe_load(handle))
