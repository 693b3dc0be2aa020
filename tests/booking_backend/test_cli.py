"""`python -m booking_backend prepare` on a fresh database: migrated, seeded once, slots at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from booking_backend.main import create_app
from tests.booking_backend.conftest import api_client, make_settings


def prepare(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "development"}
    return subprocess.run([sys.executable, "-m", "booking_backend", "prepare"], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_prepare_seeds_a_fresh_database_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'booking.db'}"
    first = prepare(url)
    assert first.returncode == 0, first.stderr
    assert "Seeded the demo: 90 practitioners" in first.stderr
    second = prepare(url)
    assert second.returncode == 0, second.stderr
    assert "Seeded" not in second.stderr
    with api_client(create_app(make_settings(url))) as client:
        slots = client.get("/v1/slots", params={"service": "gp_routine"}).json()
        assert len(slots) == 20
        practitioners = client.get("/v1/practitioners", params={"limit": 200}).json()
        assert len(practitioners) == 90
        assert {p["role"] for p in practitioners} == {
            "gp", "nurse", "pharmacist", "physiotherapist", "mental_health_practitioner", "dentist"}
        assert all(p["bio"] and p["photo_url"] for p in practitioners)
