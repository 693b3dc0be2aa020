"""Deterministic triage: versioned YAML rules and a small pure engine.

    from bot.triage import triage
    result = triage("cant breath and chest pains", {"age_band": "65_plus"})
    result.disposition, result.advice, result.questions_needed

Command line: `python -m bot.triage "text"` or `python -m bot.triage --jsonl FILE`.
"""

from bot.triage.dispositions import Disposition
from bot.triage.engine import triage
from bot.triage.result import FiredRule, TriageResult

__all__ = ["Disposition", "FiredRule", "TriageResult", "triage"]
