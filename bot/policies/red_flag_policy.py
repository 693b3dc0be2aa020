"""Rasa policy: a red flag on the latest user message means `action_emergency`, whatever else is going on.

Use it in config.yml as the first policy: `- name: bot.policies.red_flag_policy.RedFlagPolicy`.
When the latest user message carries a `red_flag` entity (bot.nlu.clinical_entities) and the last
action was `action_listen`, it predicts `action_emergency` with confidence 1.0, inside or outside
any form; right after `action_emergency` it predicts `action_listen`. Its predictions are marked
as not depending on the user turn's featurisation, like a form's happy path, so that an active
form cannot outrank them, and its priority is above RulePolicy's. It learns nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ACTION_EMERGENCY = "action_emergency"
RED_FLAG_ENTITY = "red_flag"
# RulePolicy is 6 in Rasa 3.6; anything above it wins a tie at confidence 1.0.
RED_FLAG_POLICY_PRIORITY = 10


def red_flag_of(tracker: DialogueStateTracker) -> str | None:
    """The `red_flag` value on the latest user message, if any."""
    entities = (tracker.latest_message.entities if tracker.latest_message else None) or []
    for entity in entities:
        if entity.get("entity") == RED_FLAG_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RedFlagPolicy(Policy):  # type: ignore[misc]  # rasa is untyped
    """Predicts `action_emergency` for any user turn with a red flag, before rules, forms or ML."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Priority above RulePolicy; the action to run for a red flag."""
        return {"priority": RED_FLAG_POLICY_PRIORITY, "emergency_action": ACTION_EMERGENCY}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, **kwargs: Any) -> None:
        super().__init__({**self.get_default_config(), **config}, model_storage, resource,
                         execution_context, **kwargs)
        self.emergency_action = str(self.config["emergency_action"])

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn; checks the domain knows the emergency action."""
        if self.emergency_action not in domain.action_names_or_texts:
            raise ValueError(f"RedFlagPolicy: the domain has no action {self.emergency_action!r}; "
                             "add it to bot/domain/safety.yml")
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def _predict(self, action: str, domain: Domain) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        """`action_emergency` after a red-flag message, `action_listen` after it, else abstain."""
        last_action = tracker.latest_action_name
        if last_action == self.emergency_action:
            return self._predict(ACTION_LISTEN_NAME, domain)
        if last_action == ACTION_LISTEN_NAME and red_flag_of(tracker) is not None:
            logger.info("Red flag on the latest message: predicting %s", self.emergency_action)
            return self._predict(self.emergency_action, domain)
        return self._prediction(self._default_predictions(domain))
