"""Custom Rasa dialogue policies, and a fix to Rasa's per-reply schema check (action_results)."""

from bot.policies.action_results import install as _install_action_results

_install_action_results()
