"""Custom Rasa dialogue policies, and two fixes to Rasa's per-message overheads that load with them."""

from bot.policies.action_results import install as _install_action_results
from bot.policies.event_types import install as _install_event_types

_install_action_results()
_install_event_types()
