"""Deterministic triage: versioned YAML rules and a small pure engine.

    from bot.triage.engine import triage
    result = triage("cant breath and chest pains", {"age_band": "65_plus"})
    result.disposition, result.advice, result.questions_needed
    result.complaint_groups, result.checklist     # red-flag questions to ask (data/checklists.yml)
    triage("feeling low", {"red_flags": {"RF-SUICIDAL-THOUGHTS": "yes"}})

Command line: `python -m bot.triage "text"` or `python -m bot.triage --jsonl FILE`.
(Nothing is imported here, so that bot.nlu can load the vocabulary without a cycle.)
"""
