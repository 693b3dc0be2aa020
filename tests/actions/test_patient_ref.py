"""patient_ref: a keyed, stable pseudonym the backend accepts, with no usable default in production."""

from __future__ import annotations

import re

import pytest

from actions.patient_ref import MissingSecret, patient_ref

SENDER = "whatsapp:+447700900123"


def test_patient_ref_is_stable_and_hides_the_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATIENT_REF_SECRET", "a-test-secret")
    ref = patient_ref(SENDER)
    assert ref == patient_ref(SENDER)
    assert re.fullmatch(r"p_[0-9a-f]{64}", ref)
    assert "447700900123" not in ref


def test_patient_ref_depends_on_the_secret_and_the_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATIENT_REF_SECRET", "secret-one")
    first = patient_ref(SENDER)
    assert patient_ref("whatsapp:+447700900124") != first
    monkeypatch.setenv("PATIENT_REF_SECRET", "secret-two")
    assert patient_ref(SENDER) != first


def test_patient_ref_matches_the_backend_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATIENT_REF_SECRET", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "development")
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,128}", patient_ref(SENDER))


def test_patient_ref_without_secret_in_production_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATIENT_REF_SECRET", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(MissingSecret, match="PATIENT_REF_SECRET"):
        patient_ref(SENDER)
