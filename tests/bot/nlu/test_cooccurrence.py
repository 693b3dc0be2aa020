"""Concepts recognised from their words in any order within a clause (vocabulary `cooccur`)."""

from __future__ import annotations

import pytest

from bot.nlu.clinical_matcher import ClinicalMatcher, get_clinical_matcher
from bot.triage.vocabulary import VocabularyError, parse_vocabulary

MINIMAL_CUES = {"negation": ["no", "not", "n't"], "inability_heads": ["ca", "can"],
                "pseudo_negation_next": ["sure"], "history_before": ["used to"],
                "history_after": ["last year"], "terminators": [".", ",", "but"],
                "negation_breakers": ["i"], "scope": 5,
                "cooccur_terminators": [".", "but"], "cooccur_window": 8}


def _current(text: str, matcher: ClinicalMatcher | None = None) -> set[str]:
    return {m.concept for m in (matcher or get_clinical_matcher()).find(text) if m.is_current}


def _statuses(text: str, concept: str) -> set[str]:
    return {m.status for m in get_clinical_matcher().find(text) if m.concept == concept}


@pytest.fixture(scope="module")
def tiny_matcher() -> ClinicalMatcher:
    vocabulary = parse_vocabulary({"version": "t", "cues": MINIMAL_CUES, "concepts": {
        "wrist_injury": {"kind": "red_flag", "cooccur": [[["wrist"], ["bent", "crooked"]]]},
        "ear_fluid": {"kind": "symptom", "cooccur": [[["ear"], ["fluid", "gunk"], ["leaking", "coming"]]]},
    }})
    return ClinicalMatcher(vocabulary)


def test_cooccurrence_matches_words_in_any_order(tiny_matcher: ClinicalMatcher) -> None:
    assert _current("my wrist looks bent", tiny_matcher) == {"wrist_injury"}
    assert _current("it's gone all crooked, the wrist", tiny_matcher) == {"wrist_injury"}
    assert _current("there is gunk coming out of his ear", tiny_matcher) == {"ear_fluid"}


def test_cooccurrence_needs_every_word_set(tiny_matcher: ClinicalMatcher) -> None:
    assert _current("fluid leaking from the tap", tiny_matcher) == set()


def test_cooccurrence_stays_inside_one_clause_and_window(tiny_matcher: ClinicalMatcher) -> None:
    assert _current("my wrist is fine. the fork is bent", tiny_matcher) == set()
    assert _current("my wrist is fine but the fork is bent", tiny_matcher) == set()
    far = "my wrist " + "and then some more words here " * 2 + "bent"
    assert _current(far, tiny_matcher) == set()


def test_cooccurrence_matches_by_lemma(tiny_matcher: ClinicalMatcher) -> None:
    assert _current("fluid coming from both ears", tiny_matcher) == {"ear_fluid"}


def test_cooccurrence_respects_negation_before_it() -> None:
    assert _statuses("no stiffness in my neck", "stiff_neck") == {"negated"}
    assert _statuses("my neck isn't stiff at all", "stiff_neck") == {"negated"}
    assert _statuses("her neck has gone really stiff", "stiff_neck") == {"current"}


def test_cooccurrence_respects_history() -> None:
    assert _statuses("used to get a stiff aching neck from my desk", "stiff_neck") == {"historical"}


def test_cooccurrence_does_not_hide_a_negated_phrase_inside_it() -> None:
    found = {(m.concept, m.status) for m in get_clinical_matcher().find("no tongue swelling just hives")}
    assert ("anaphylaxis", "current") not in found
    assert ("allergic_reaction", "current") in found


@pytest.mark.parametrize(("text", "concept"), [
    ("my left testicle suddenly really hurts", "testicular_pain"),
    ("throat feels like its swelling shut after the wasp got me", "anaphylaxis"),
    ("his legs went blotchy and are freezing cold", "sepsis_signs"),
    ("keeps being sick and theres red blood in it", "vomiting_blood"),
    ("numb round my bottom and my back is agony", "cauda_equina"),
    ("light really hurts my eyes", "light_sensitivity"),
    ("the purple spots on his legs", "non_blanching_rash"),
    ("his smile has gone lopsided", "stroke_face"),
    ("pain in the tip of my shoulder", "shoulder_tip_pain"),
])
def test_cooccurrence_finds_red_flags_said_in_other_words(text: str, concept: str) -> None:
    assert concept in _current(text)


def test_cooccurrence_vocabulary_rejects_a_single_word_set() -> None:
    with pytest.raises(VocabularyError, match="two or more word sets"):
        parse_vocabulary({"version": "t", "cues": MINIMAL_CUES,
                          "concepts": {"x": {"kind": "symptom", "cooccur": [[["neck"]]]}}})


def test_cooccurrence_vocabulary_rejects_phrases_in_word_sets() -> None:
    with pytest.raises(VocabularyError, match="single words"):
        parse_vocabulary({"version": "t", "cues": MINIMAL_CUES,
                          "concepts": {"x": {"kind": "symptom", "cooccur": [[["stiff neck"], ["bad"]]]}}})


def test_vocabulary_file_with_a_key_given_twice_is_rejected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.triage.vocabulary import load_vocabulary

    path = tmp_path / "vocabulary.yml"
    path.write_text("version: 1\nconcepts:\n  x:\n    kind: symptom\n    phrases: [a]\n    phrases: [b]\n",
                    encoding="utf-8")
    with pytest.raises(VocabularyError, match="given twice"):
        load_vocabulary(path)
