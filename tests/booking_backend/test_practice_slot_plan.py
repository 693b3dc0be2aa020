"""The slot search by practice on PostgreSQL: slots are read through an index, never scanned whole."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from booking_backend.scheduling.search import _statement
from tests.booking_backend.conftest import START, World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _explain(session: Session, statement: Any, *, mode: str, values: dict[str, Any]) -> dict[str, Any]:
    """The plan PostgreSQL runs for `statement` as a prepared statement in plan cache `mode`.

    As test_postgres_statements._explain does, with an expanding (IN) parameter rendered as one
    parameter per value, which is how the search sends it.
    """
    compiled = statement.params(values).compile(dialect=postgresql.dialect(paramstyle="numeric_dollar"),
                                                compile_kwargs={"render_postcompile": True})
    params = compiled.params
    connection = session.connection().connection.dbapi_connection
    assert connection is not None
    args = sql.SQL(", ").join(sql.Literal(params[name]) for name in compiled.positiontup or []).as_string(connection)
    session.execute(text(f"SET LOCAL plan_cache_mode = {mode}"))
    session.connection().exec_driver_sql(f"PREPARE under_test AS {compiled}")
    try:
        rows = session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE under_test({args})").scalar_one()
    finally:
        session.connection().exec_driver_sql("DEALLOCATE under_test")
    return (json.loads(rows) if isinstance(rows, str) else rows)[0]["Plan"]  # type: ignore[no-any-return]


def _slot_scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan] if plan.get("Relation Name") == "slots" else []
    for child in plan.get("Plans", []):
        found += _slot_scans(child)
    return found


@pytest.mark.parametrize("mode", ["force_generic_plan", "force_custom_plan"])
def test_slots_of_a_practice_read_through_an_index(session: Session, world: World, mode: str) -> None:
    session.execute(text("ANALYZE slots"))
    service_id = session.execute(text("SELECT id FROM services WHERE code = 'gp_routine'")).scalar_one()
    now = START - timedelta(minutes=1)
    statement = _statement(end=False, service=True, weekdays=(), parts_of_day=(), channel=False, practitioner=False,
                           location=False, limit=10, organisations=True)
    plan = _explain(session, statement, mode=mode, values={
        "earliest": now, "now": now, "service_id": service_id, "organisation_ids": [world.organisation_id]})
    scans = _slot_scans(plan)
    assert scans, plan
    assert all(scan["Node Type"] != "Seq Scan" for scan in scans), plan

