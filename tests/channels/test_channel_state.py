"""The shared channel state on SQLite and on PostgreSQL: pseudonyms, redelivery, encrypted contacts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from channels import contacts
from channels.deliveries import first_delivery
from channels.pseudonym import sender_id
from channels.settings import ChannelConfigError, get_settings
from channels.state_db import state_engine
from tests.services import temporary_postgres_database

PHONE = "+447700900123"


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """CHANNEL_STATE_URL on a fresh SQLite file or a throwaway PostgreSQL database."""
    monkeypatch.setenv("CONTACT_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("CHANNEL_ID_SECRET", "state-test-secret")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/channels.db"
        monkeypatch.setenv("CHANNEL_STATE_URL", url)
        get_settings.cache_clear()
        yield url
    else:
        with temporary_postgres_database() as url:
            monkeypatch.setenv("CHANNEL_STATE_URL", url)
            get_settings.cache_clear()
            yield url
            state_engine().dispose()
    get_settings.cache_clear()


def test_sender_id_is_stable_per_channel_and_hides_the_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANNEL_ID_SECRET", "one-secret")
    get_settings.cache_clear()
    sms = sender_id("sms", PHONE)
    assert sms == sender_id("sms", PHONE)
    assert sms.startswith("sms-") and len(sms) == len("sms-") + 64
    assert "7700900123" not in sms
    assert sender_id("whatsapp", PHONE) != sms
    monkeypatch.setenv("CHANNEL_ID_SECRET", "another-secret")
    get_settings.cache_clear()
    assert sender_id("sms", PHONE) != sms


def test_sender_id_refuses_to_work_without_a_secret_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("CHANNEL_ID_SECRET", raising=False)
    get_settings.cache_clear()
    with pytest.raises(ChannelConfigError, match="CHANNEL_ID_SECRET must be set"):
        sender_id("sms", PHONE)
    get_settings.cache_clear()


def test_first_delivery_is_true_once_per_channel_and_id(state_url: str) -> None:
    assert first_delivery("twilio_sms", "SM0001")
    assert not first_delivery("twilio_sms", "SM0001")
    assert first_delivery("telegram", "SM0001")


def test_contact_is_encrypted_at_rest_and_read_back(state_url: str) -> None:
    sender = sender_id("sms", PHONE)
    contacts.remember(sender, "sms", PHONE)
    with state_engine().connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM channel_contacts")).all()
    stored = " ".join(str(value) for row in rows for value in row)
    assert "7700900123" not in stored
    assert contacts.lookup(sender) == contacts.Contact(channel="sms", address=PHONE, opted_out=False)


def test_contact_opt_out_survives_a_new_message(state_url: str) -> None:
    sender = sender_id("sms", PHONE)
    contacts.remember(sender, "sms", PHONE)
    contacts.set_opted_out(sender, True)
    contacts.remember(sender, "sms", PHONE)
    found = contacts.lookup(sender)
    assert found is not None and found.opted_out


def test_contact_unreadable_under_another_key_is_none(state_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sender = sender_id("sms", PHONE)
    contacts.remember(sender, "sms", PHONE)
    monkeypatch.setenv("CONTACT_ENCRYPTION_KEY", Fernet.generate_key().decode())
    get_settings.cache_clear()
    assert contacts.lookup(sender) is None
    assert contacts.lookup("sms-unknown") is None


def test_contact_key_is_required_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("CONTACT_ENCRYPTION_KEY", raising=False)
    get_settings.cache_clear()
    with pytest.raises(ChannelConfigError, match="CONTACT_ENCRYPTION_KEY"):
        contacts.check_key()
    get_settings.cache_clear()
