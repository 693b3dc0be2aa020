"""How the backend's statements run on PostgreSQL: the search's plans, and prepared statements kept."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from booking_backend.appointments.service import _MAKE_WAY
from booking_backend.main import create_app
from booking_backend.scheduling.search import _statement
from tests.booking_backend.conftest import START, MutableClock, World, api_client, make_settings

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

LIVE_INDEX = "uq_appointments_live_slot"


def _book_soonest(session: Session, *, service: str, count: int) -> None:
    """The service's `count` soonest slots booked, as in a busy practice's diary."""
    patient = session.execute(text("INSERT INTO patients (ref, created_at) VALUES ('plan_test', :now) RETURNING id"),
                              {"now": START}).scalar_one()
    session.execute(text(
        "INSERT INTO appointments (slot_id, patient_id, status, created_at, booked_at) "
        "SELECT slots.id, :patient, 'booked', :now, :now FROM slots JOIN services ON services.id = slots.service_id "
        "WHERE services.code = :service ORDER BY slots.start LIMIT :count"
    ), {"patient": patient, "now": START, "service": service, "count": count})


def _appointment_scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan] if plan.get("Relation Name") == "appointments" else []
    for child in plan.get("Plans", []):
        found += _appointment_scans(child)
    return found


def _explain(session: Session, statement: Any, *, mode: str, values: dict[str, Any]) -> dict[str, Any]:
    """The plan PostgreSQL runs for `statement` as a prepared statement in plan cache `mode`."""
    compiled = statement.compile(dialect=postgresql.dialect(paramstyle="numeric_dollar"), column_keys=list(values))
    order = compiled.positiontup or []
    connection = session.connection().connection.dbapi_connection
    assert connection is not None
    args = sql.SQL(", ").join(sql.Literal(values[name]) for name in order).as_string(connection)
    session.execute(text(f"SET LOCAL plan_cache_mode = {mode}"))
    session.connection().exec_driver_sql(f"PREPARE under_test AS {compiled}")
    try:
        rows = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE under_test({args})").scalar_one()
    finally:
        session.connection().exec_driver_sql("DEALLOCATE under_test")
    return (json.loads(rows) if isinstance(rows, str) else rows)[0]["Plan"]  # type: ignore[no-any-return]


SHAPES = {
    "soonest": dict(end=False, service=True, weekdays=(), parts_of_day=(), channel=False, practitioner=False,
                    location=False, limit=10),
    "tuesday afternoons": dict(end=False, service=True, weekdays=(1,), parts_of_day=("afternoon",), channel=False,
                               practitioner=False, location=False, limit=5),
}


@pytest.mark.parametrize("mode", ["force_generic_plan", "force_custom_plan"])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_free_slot_check_probes_the_live_index_slot_by_slot(session: Session, world: World, mode: str,
                                                            shape: str) -> None:
    # With the statuses as parameters, a reusable plan could not use the partial index of live
    # appointments and read the whole table; as an anti-join the planner read every live appointment
    # into memory and compared each slot with all of them (~45 ms once the soonest slots filled up).
    _book_soonest(session, service="gp_routine", count=40)
    service_id = session.execute(text("SELECT id FROM services WHERE code = 'gp_routine'")).scalar_one()
    now = START - timedelta(minutes=1)
    plan = _explain(session, _statement(**SHAPES[shape]), mode=mode,
                    values={"earliest": now, "now": now, "service_id": service_id})
    scans = _appointment_scans(plan)
    assert scans, plan
    for scan in scans:
        assert scan["Node Type"] == "Index Scan" and scan["Index Name"] == LIVE_INDEX, scan
        assert "slots.id" in scan["Index Cond"], scan


def test_a_new_hold_finds_the_slots_lapsed_hold_through_indexes_in_a_reusable_plan(session: Session,
                                                                                   world: World) -> None:
    _book_soonest(session, service="gp_routine", count=40)
    plan = _explain(session, _MAKE_WAY, mode="force_generic_plan",
                    values={"status": "expired", "patient": 1, "slot": 1, "now": START})
    scans = _appointment_scans(plan)
    assert scans, plan
    assert all(scan["Node Type"] != "Seq Scan" for scan in scans), plan
    assert LIVE_INDEX in json.dumps(plan), plan


def test_reads_keep_their_prepared_statements(database_url: str) -> None:
    # psycopg forgets a connection's prepared statements when it sees a ROLLBACK; a read that ended
    # that way made every pooled connection parse and plan its statements again.
    app = create_app(make_settings(database_url, db_pool_size=1), clock=MutableClock(START))
    with api_client(app) as client:
        for _ in range(6):
            assert client.get("/v1/services").status_code == 200
        with app.state.engine.connect() as connection:
            prepared = connection.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars().all()
    assert any("FROM services" in statement for statement in prepared), prepared
