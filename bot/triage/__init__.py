"""Deterministic triage: versioned YAML rules and a small pure engine.

    from bot.triage.engine import triage
    result = triage("cant breath and chest pains", {"age_band": "65_plus"})
    result.disposition, result.advice, result.questions_needed

Command line: `python -m bot.triage "text"` or `python -m bot.triage --jsonl FILE`.
(Nothing is imported here, so that bot.nlu can load the vocabulary without a cycle.)
"""
