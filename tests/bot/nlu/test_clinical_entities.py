"""The ClinicalEntityExtractor component on real Rasa messages with the real triage engine."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.clinical_entities import ClinicalEntityExtractor


@pytest.fixture(scope="module")
def extractor(tmp_path_factory: pytest.TempPathFactory) -> ClinicalEntityExtractor:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    return ClinicalEntityExtractor.create(ClinicalEntityExtractor.get_default_config(), storage,
                                          Resource("clinical"), ExecutionContext(GraphSchema({})))


def parse(extractor: ClinicalEntityExtractor, text: str, intent: str = "describe_symptoms",
          confidence: float = 0.9) -> Message:
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence}})
    return extractor.process([message])[0]


def found(message: Message, name: str) -> list[tuple[Any, str]]:
    text = message.get(TEXT)
    return [(e["value"], text[e["start"]:e["end"]]) for e in message.get(ENTITIES, []) if e["entity"] == name]


def test_clinical_entities_symptoms_are_tagged_with_spans(extractor: ClinicalEntityExtractor) -> None:
    message = parse(extractor, "I've had a sore throat and a temperature")
    assert found(message, "symptom") == [("sore_throat", "sore throat"), ("fever", "temperature")]
    assert found(message, "red_flag") == []
    assert all(e["extractor"] == "ClinicalEntityExtractor" for e in message.get(ENTITIES))


def test_clinical_entities_emergency_adds_red_flag_on_the_first_flag(extractor: ClinicalEntityExtractor) -> None:
    message = parse(extractor, "I've got crushing chest pain and can't breathe")
    assert found(message, "red_flag") == [("emergency_999", "crushing chest pain")]
    assert found(message, "symptom") == [("chest_pain", "crushing chest pain"), ("cannot_breathe", "can't breathe")]


def test_clinical_entities_crisis_with_a_plan_is_mental_health_crisis(extractor: ClinicalEntityExtractor) -> None:
    message = parse(extractor, "i want to end it all, ive got the tablets saved up")
    assert found(message, "red_flag") == [("mental_health_crisis", "end it all")]


def test_clinical_entities_a_and_e_red_flag(extractor: ClinicalEntityExtractor) -> None:
    assert found(parse(extractor, "coughing up blood"), "red_flag") == [("a_and_e", "coughing up blood")]


@pytest.mark.parametrize("text", ["no chest pain, just a sore throat", "had chest pain last year, now a cough",
                                  "not breathless at all, my ankle hurts"])
def test_clinical_entities_negated_or_past_red_flags_do_not_trigger(extractor: ClinicalEntityExtractor,
                                                                    text: str) -> None:
    message = parse(extractor, text)
    assert found(message, "red_flag") == []
    assert "chest_pain" not in [value for value, _ in found(message, "symptom")]


def test_clinical_entities_triage_hint_is_kept_in_the_message(extractor: ClinicalEntityExtractor) -> None:
    hint = parse(extractor, "burning when i wee").get("triage")
    assert hint["disposition"] == "pharmacist"
    assert hint["emergency"] is False and hint["red_flag"] is None
    assert hint["questions_needed"] == ["age_band", "sex"]
    assert "burning" not in repr(hint)  # no message text in the hint
    assert "triage" in parse(extractor, "hello").as_dict(only_output_properties=True)


def test_clinical_entities_unsure_classifier_on_symptom_text_becomes_describe_symptoms(
        extractor: ClinicalEntityExtractor) -> None:
    message = parse(extractor, "ma kne is swolen and my ankle hurts", intent="nlu_fallback", confidence=0.3)
    assert message.get(INTENT)["name"] == "describe_symptoms"
    assert parse(extractor, "purple monkey dishwasher", intent="nlu_fallback").get(INTENT)["name"] == "nlu_fallback"
    assert parse(extractor, "my ankle hurts", intent="book_appointment").get(INTENT)["name"] == "book_appointment"


def test_clinical_entities_symptom_text_put_out_of_scope_becomes_describe_symptoms(
        extractor: ClinicalEntityExtractor) -> None:
    message = parse(extractor, "my new tattoo looks infected", intent="out_of_scope", confidence=0.8)
    assert message.get(INTENT) == {"name": "describe_symptoms", "confidence": 0.8}
    hotel = parse(extractor, "i want to cancel my hotel booking", intent="out_of_scope")
    assert hotel.get(INTENT)["name"] == "out_of_scope"


def test_clinical_entities_button_payloads_are_left_alone(extractor: ClinicalEntityExtractor) -> None:
    message = parse(extractor, '/inform{"age_band": "16_to_64"}', intent="inform")
    assert message.get(ENTITIES, []) == [] and message.get("triage") is None


def test_clinical_entities_logs_no_message_text(extractor: ClinicalEntityExtractor,
                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        parse(extractor, "crushing chest pain in my chest")
    assert "crushing" not in caplog.text
