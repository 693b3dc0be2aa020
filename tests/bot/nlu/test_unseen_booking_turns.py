"""The unseen booking turns: pinned since their first run, labelled with the domain's intents, never trained on."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

REPO = Path(__file__).resolve().parents[3]
UNSEEN_SET = REPO / "tests/bot/nlu/data/unseen_booking_turns.yml"
# Written by hand before any model was run on it (2026-12-07); never edited to suit a model.
UNSEEN_SET_SHA256 = "e9681a7cb89dac93557feee993be563cc1883962504eaff17b5297ee95495178"
CORE_INTENTS = ("book_appointment", "cancel_appointment", "reschedule_appointment")
# rapidfuzz ratio above which an example counts as a light edit of a training one (exactly 90 is not).
NEAR_DUPLICATE_RATIO = 90


@pytest.fixture(scope="module")
def unseen() -> TrainingData:
    return load_data(str(UNSEEN_SET))


@pytest.fixture(scope="module")
def training_texts() -> list[str]:
    return [example.get("text").lower() for example in load_data(str(REPO / "nlu_data")).intent_examples]


def test_unseen_set_is_unchanged_since_its_first_run() -> None:
    assert hashlib.sha256(UNSEEN_SET.read_bytes()).hexdigest() == UNSEEN_SET_SHA256


def test_unseen_set_labels_are_domain_intents(unseen: TrainingData) -> None:
    declared = set()
    for domain_file in (REPO / "bot/domain").glob("*.yml"):
        declared.update((yaml.safe_load(domain_file.read_text()) or {}).get("intents") or [])
    assert unseen.intents <= declared


def test_unseen_set_has_enough_of_each_core_intent(unseen: TrainingData) -> None:
    counts = Counter(example.get("intent") for example in unseen.intent_examples)
    assert len(unseen.intent_examples) >= 320
    assert all(counts[intent] >= 60 for intent in CORE_INTENTS), counts


def test_unseen_set_examples_are_not_in_the_training_data(unseen: TrainingData, training_texts: list[str]) -> None:
    texts = set(training_texts)
    assert [e.get("text") for e in unseen.intent_examples if e.get("text").lower() in texts] == []


def test_unseen_set_examples_are_not_near_duplicates_of_training_examples(
        unseen: TrainingData, training_texts: list[str]) -> None:
    near = []
    for example in unseen.intent_examples:
        text = example.get("text").lower()
        match = process.extractOne(text, training_texts, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_RATIO + 0.01)
        if match is not None:
            near.append((text, match[0]))
    assert near == []
