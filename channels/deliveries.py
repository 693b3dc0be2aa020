"""Redelivery guard: a Twilio MessageSid or Telegram update_id is processed once, on any replica."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from channels.state_db import deliveries, state_engine

# Twilio and Telegram stop redelivering long before this; older ids are forgotten.
RETENTION = timedelta(days=3)


def first_delivery(channel: str, delivery_id: str) -> bool:
    """True the first time (channel, delivery_id) is seen, False for every redelivery."""
    now = datetime.now(timezone.utc)
    try:
        with state_engine().begin() as connection:
            connection.execute(sa.insert(deliveries).values(channel=channel, delivery_id=delivery_id, received_at=now))
    except IntegrityError:
        return False
    with state_engine().begin() as connection:
        connection.execute(sa.delete(deliveries).where(deliveries.c.received_at < now - RETENTION))
    return True
