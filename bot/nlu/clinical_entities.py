"""Rasa NLU component: runs the triage engine on every message and tags symptoms and red flags.

Use it in config.yml as `- name: bot.nlu.clinical_entities.ClinicalEntityExtractor`, after the
FallbackClassifier. For each message it adds:

- one `symptom` entity per CURRENT symptom or red-flag mention (negated and past mentions are not
  tagged): `value` is the concept id, `start`/`end` the span in the message;
- a `red_flag` entity when an emergency rule fires on the message alone: `value` is
  `emergency_999`, `a_and_e`, or `mental_health_crisis` (an emergency whose rules carry the crisis
  advice), spanning the first current red-flag mention (RedFlagPolicy acts on it);
- `triage` in the message data (and so in the tracker's `latest_message`): the engine's proposal
  for this message alone: disposition, fired rule ids, advice text, open questions, rules
  version (no message text).

When the classifier was unsure (`nlu_fallback`) or put the message out of scope, but the message
describes a current problem, the intent becomes `describe_symptoms`: the model never turns a symptom
into "sorry?" or "I can't help with that" ("my new tattoo looks infected" names a thing the
`not_health_service` lookup leans away from).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.clinical_matcher import ConceptMatch
from bot.triage.dispositions import Disposition
from bot.triage.engine import default_rules, triage
from bot.triage.result import TriageResult

logger = logging.getLogger(__name__)

SYMPTOM = "symptom"
RED_FLAG = "red_flag"
TRIAGE_DATA = "triage"
CRISIS = "mental_health_crisis"
TAGGED_KINDS = frozenset({"symptom", "red_flag"})
_RESCUED_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})

Entity = dict[str, Any]


def _entity(name: str, value: str, start: int, end: int, **info: Any) -> Entity:
    return {"entity": name, "value": value, "start": start, "end": end, "confidence": 1.0,
            "additional_info": info}


def red_flag_value(result: TriageResult) -> str | None:
    """The `red_flag` value for a result, or None when it is not an emergency."""
    if not result.is_emergency:
        return None
    rules = {rule.id: rule for rule in default_rules().rules}
    crisis = any(CRISIS in rules[fired.id].advice for fired in result.fired_rules
                 if fired.disposition == result.disposition and fired.id in rules)
    return CRISIS if crisis else result.disposition.value


def _red_flag_span(text: str, current: list[ConceptMatch]) -> tuple[int, int]:
    flags = [match for match in current if match.kind == "red_flag"] or current
    if not flags:
        return 0, len(text)
    first = min(flags, key=lambda match: match.start)
    return first.start, first.end


def _merged(mentions: list[ConceptMatch]) -> list[ConceptMatch]:
    """One mention per overlapping run of the same concept ("crushing chest" + "chest pain")."""
    merged: list[ConceptMatch] = []
    for mention in sorted(mentions, key=lambda m: (m.concept, m.start, m.end)):
        last = merged[-1] if merged else None
        if last is not None and last.concept == mention.concept and mention.start <= last.end:
            merged[-1] = replace(last, end=max(last.end, mention.end))
        else:
            merged.append(mention)
    return sorted(merged, key=lambda m: m.start)


def clinical_entities(text: str, result: TriageResult) -> list[Entity]:
    """`symptom` entities for current mentions, plus a `red_flag` entity for an emergency."""
    current = _merged([m for m in result.concepts if m.is_current and m.kind in TAGGED_KINDS])
    found = [_entity(SYMPTOM, m.concept, m.start, m.end, kind=m.kind) for m in current]
    flag = red_flag_value(result)
    if flag is not None:
        start, end = _red_flag_span(text, current)
        found.append(_entity(RED_FLAG, flag, start, end,
                             rules=[r.id for r in result.fired_rules if r.disposition.is_emergency]))
    return sorted(found, key=lambda e: (e["start"], e["end"], e["entity"]))


def triage_hint(result: TriageResult) -> dict[str, Any]:
    """The engine's proposal for one message, as kept in the message data (no message text)."""
    return {"disposition": result.disposition.value, "emergency": result.is_emergency,
            "red_flag": red_flag_value(result), "service": result.service, "advice": result.advice,
            "rules": [rule.id for rule in result.fired_rules],
            "questions_needed": list(result.questions_needed),
            "rules_version": result.rules_version}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ClinicalEntityExtractor(GraphComponent, EntityExtractorMixin):  # type: ignore[misc]  # rasa is untyped
    """Adds `symptom` and `red_flag` entities and the triage proposal to every message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Symptom text that the classifier was unsure about or put out of scope is `describe_symptoms`."""
        return {"symptom_intent": "describe_symptoms", "max_chars": 2000}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = {**self.get_default_config(), **config}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ClinicalEntityExtractor:
        """Creates the component; the spaCy matcher loads on the first message."""
        return cls(config)

    def _rescue_intent(self, message: Message, result: TriageResult) -> None:
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) not in _RESCUED_INTENTS:
            return
        if any(m.is_current and m.kind in TAGGED_KINDS for m in result.concepts):
            message.set(INTENT, {INTENT_NAME_KEY: self.component_config["symptom_intent"],
                                 "confidence": intent.get("confidence", 1.0)}, add_to_output=True)

    def process(self, messages: list[Message]) -> list[Message]:
        """Tags each message; button payloads ("/intent{...}") carry no clinical text."""
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            text = text[: self.component_config["max_chars"]]
            result = triage(text)
            found = self.add_extractor_name(clinical_entities(text, result))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
            message.set(TRIAGE_DATA, triage_hint(result), add_to_output=True)
            self._rescue_intent(message, result)
            if result.disposition in (Disposition.EMERGENCY_999, Disposition.A_AND_E):
                logger.info("Red flag on a message: %s (%d rules)", result.disposition.value,
                            len(result.fired_rules))
        return messages
