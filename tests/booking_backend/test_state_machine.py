"""A Hypothesis state machine over the HTTP API: holds, bookings, releases, cancels, reschedules and time.

Each example runs in its own transaction on the shared test database, rolled back in `teardown()`, with a
fresh app, clock and small world (one practice, a GP and a nurse) built through the admin API.
"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from booking_backend.appointments.models import Appointment
from booking_backend.audit.models import AuditEvent
from booking_backend.main import create_app
from booking_backend.patients.models import Patient
from tests.booking_backend.conftest import (
    ADMIN_KEY,
    START,
    MutableClock,
    api_client,
    build_world,
    make_settings,
    patient,
)

HOLD_TTL = timedelta(seconds=300)
MIN_NOTICE = timedelta(minutes=120)
UNKNOWN_ID = 999_999_999
PATIENTS = [patient(1), patient(2), patient(3)]
OWNER = "owner"  # stands for the patient whose appointment a rule acts on
# Half the time a rule acts as the appointment's own patient, otherwise as any patient (often someone else).
ACTORS = st.one_of(st.just(OWNER), st.sampled_from(PATIENTS))
# Named slots of the world built by conftest.build_world, as seen from START (Monday 08:00): the first is
# already inside the minimum notice, the second exactly on its edge, the third enters it as the clock moves on.
SLOT_NAMES = ["gp_mon_0900", "gp_mon_1000", "gp_mon_1145", "gp_tue_0900", "gp_tue_0915", "nurse_tue_1400"]
CLOCK_STEPS_MINUTES = [1, 5, 30, 90, 20 * 60]


@dataclass
class SlotInfo:
    id: int
    start: datetime
    service: str


@dataclass
class ModelAppointment:
    id: int
    slot_id: int
    patient: str
    status: str  # held, booked, cancelled, expired
    expires_at: datetime | None


class BookingModel:
    """The expected state, kept by the rules of the issue rather than by the backend's code."""

    def __init__(self, slots: dict[str, SlotInfo], now: datetime) -> None:
        self.slots = slots
        self.by_id = {slot.id: slot for slot in slots.values()}
        self.now = now
        self.appointments: dict[int, ModelAppointment] = {}
        self.known_patients: set[str] = set()
        self.audit: Counter[tuple[str, int]] = Counter()

    def is_live(self, appointment: ModelAppointment) -> bool:
        if appointment.status == "booked":
            return True
        return appointment.status == "held" and appointment.expires_at is not None and appointment.expires_at > self.now

    def blocks(self, slot_id: int, who: str) -> bool:
        """Whether a live appointment that `who` would not let go of occupies the slot."""
        return any(
            a.slot_id == slot_id and self.is_live(a) and not (a.status == "held" and a.patient == who)
            for a in self.appointments.values()
        )

    def release_holds_of(self, who: str) -> None:
        for appointment in self.appointments.values():
            if appointment.patient == who and appointment.status == "held":
                appointment.status = "expired"

    def clear_lapsed(self, slot_id: int) -> None:
        for appointment in self.appointments.values():
            if appointment.slot_id == slot_id and appointment.status == "held" and not self.is_live(appointment):
                appointment.status = "expired"

    def owned(self, appointment_id: int, who: str) -> ModelAppointment | None:
        if who not in self.known_patients:
            return None
        appointment = self.appointments.get(appointment_id)
        return appointment if appointment is not None and appointment.patient == who else None

    def inside_notice(self, appointment: ModelAppointment) -> bool:
        return self.by_id[appointment.slot_id].start - self.now < MIN_NOTICE

    def expected_hold(self, slot_id: int, who: str) -> int:
        slot = self.by_id.get(slot_id)
        if slot is None:
            return 404
        if slot.start <= self.now or self.blocks(slot_id, who):
            return 409
        return 201

    def expected_confirm(self, hold_id: int, who: str) -> int:
        hold = self.owned(hold_id, who)
        if hold is None:
            return 404
        if hold.status == "booked":
            return 409
        return 201 if hold.status == "held" and self.is_live(hold) else 410

    def expected_release(self, hold_id: int, who: str) -> int:
        hold = self.owned(hold_id, who)
        if hold is None:
            return 404
        return 200 if hold.status == "held" else 409

    def expected_cancel(self, booking_id: int, who: str) -> int:
        booking = self.owned(booking_id, who)
        if booking is None:
            return 404
        if booking.status != "booked" or self.inside_notice(booking):
            return 409
        return 200

    def expected_reschedule(self, booking_id: int, who: str, slot_id: int) -> int:
        expected = self.expected_cancel(booking_id, who)
        if expected != 200:
            return expected
        old = self.appointments[booking_id]
        if slot_id == old.slot_id:
            return 422
        new_slot = self.by_id.get(slot_id)
        if new_slot is None:
            return 404
        if new_slot.start <= self.now:
            return 409
        if new_slot.service != self.by_id[old.slot_id].service:
            return 422
        return 409 if self.blocks(slot_id, who) else 200

    def upcoming(self, who: str) -> list[int]:
        booked = [a for a in self.appointments.values()
                  if a.patient == who and a.status == "booked" and self.by_id[a.slot_id].start >= self.now]
        return [a.id for a in sorted(booked, key=lambda a: self.by_id[a.slot_id].start)]


class BookingStateMachine(RuleBasedStateMachine):
    """Rules call the API and the model side by side; invariants compare both with the database."""

    engine: ClassVar[Engine]
    database_url: ClassVar[str]

    holds = Bundle("holds")
    bookings = Bundle("bookings")

    def __init__(self) -> None:
        super().__init__()
        self.resources = ExitStack()
        self.connection: Connection = self.resources.enter_context(self.engine.connect())
        self.resources.callback(self.connection.begin().rollback)
        self.clock = MutableClock(START)
        try:
            app = create_app(make_settings(self.database_url), clock=self.clock)
            self.resources.callback(app.state.engine.dispose)
            app.state.session_factory = self._request_session
            self.client: TestClient = self.resources.enter_context(api_client(app))
            self.client.headers["X-API-Key"] = ADMIN_KEY
            build_world(self.client)
            del self.client.headers["X-API-Key"]
            self.model = BookingModel(self._named_slots(), self.clock.now())
        except BaseException:
            self.resources.close()  # teardown() only runs for a machine that was built
            raise

    def _request_session(self) -> Session:
        """Each request gets its own session, as in production, inside this example's transaction."""
        return Session(bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
                       autoflush=False)

    def _named_slots(self) -> dict[str, SlotInfo]:
        def info(slot: dict[str, Any]) -> SlotInfo:
            return SlotInfo(slot["id"], datetime.fromisoformat(slot["start"]), slot["service"])

        gp = self.client.get("/v1/slots", params={"service": "gp_routine", "limit": 20}).json()
        nurse = self.client.get("/v1/slots", params={"service": "practice_nurse", "limit": 1}).json()
        picked = [gp[0], gp[4], gp[11], gp[12], gp[13], nurse[0]]
        slots = dict(zip(SLOT_NAMES, map(info, picked), strict=True))
        assert slots["gp_mon_1000"].start - START == MIN_NOTICE
        assert slots["gp_mon_1145"].start - START == timedelta(minutes=225)
        assert slots["nurse_tue_1400"].service == "practice_nurse"
        return slots

    def teardown(self) -> None:
        self.resources.close()

    @staticmethod
    def expect(action: str, response: Any, expected: int) -> None:
        assert response.status_code == expected, f"{action}: {response.status_code} {response.text}"

    def actor(self, who: str, appointment_id: int) -> str:
        return self.model.appointments[appointment_id].patient if who == OWNER else who

    def slot_id(self, name: str) -> int:
        return self.model.slots[name].id

    # Rules --------------------------------------------------------------------------------------------------

    @initialize(who=st.sampled_from(PATIENTS))
    def unknown_ids_are_404(self, who: str) -> None:
        body = {"patient_ref": who}
        for action, response in [
            ("hold", self.client.post("/v1/holds", json={"slot_id": UNKNOWN_ID, **body})),
            ("confirm", self.client.post("/v1/bookings", json={"hold_id": UNKNOWN_ID, **body})),
            ("release", self.client.post(f"/v1/holds/{UNKNOWN_ID}/release", json=body)),
            ("cancel", self.client.post(f"/v1/bookings/{UNKNOWN_ID}/cancel", json=body)),
            ("reschedule", self.client.post(f"/v1/bookings/{UNKNOWN_ID}/reschedule",
                                            json={"slot_id": self.model.slots["gp_tue_0900"].id, **body})),
        ]:
            self.expect(f"{action} unknown", response, 404)

    def _hold(self, who: str, slot_id: int) -> int | None:
        expected = self.model.expected_hold(slot_id, who)
        response = self.client.post("/v1/holds", json={"slot_id": slot_id, "patient_ref": who})
        self.expect("hold", response, expected)
        if expected != 201:
            return None
        body = response.json()
        assert body["slot_id"] == slot_id
        assert datetime.fromisoformat(body["expires_at"]) == self.model.now + HOLD_TTL
        self.model.known_patients.add(who)
        self.model.release_holds_of(who)
        self.model.clear_lapsed(slot_id)
        hold_id: int = body["id"]
        self.model.appointments[hold_id] = ModelAppointment(hold_id, slot_id, who, "held", self.model.now + HOLD_TTL)
        self.model.audit["hold_created", hold_id] += 1
        return hold_id

    def _confirm(self, hold_id: int, who: str) -> bool:
        expected = self.model.expected_confirm(hold_id, who)
        response = self.client.post("/v1/bookings", json={"hold_id": hold_id, "patient_ref": who})
        self.expect("confirm", response, expected)
        if expected != 201:
            return False
        body = response.json()
        assert (body["id"], body["status"], body["slot"]["id"]) == (
            hold_id, "booked", self.model.appointments[hold_id].slot_id)
        self.model.appointments[hold_id].status = "booked"
        self.model.appointments[hold_id].expires_at = None
        self.model.audit["booking_confirmed", hold_id] += 1
        return True

    @rule(target=holds, who=st.sampled_from(PATIENTS), slot=st.sampled_from(SLOT_NAMES))
    def hold(self, who: str, slot: str) -> Any:
        hold_id = self._hold(who, self.slot_id(slot))
        return multiple() if hold_id is None else hold_id

    @rule(target=bookings, hold_id=st.one_of(holds, bookings), who=ACTORS)
    def confirm(self, hold_id: int, who: str) -> Any:
        return hold_id if self._confirm(hold_id, self.actor(who, hold_id)) else multiple()

    @rule(target=bookings, who=st.sampled_from(PATIENTS), slot=st.sampled_from(SLOT_NAMES))
    def hold_and_confirm(self, who: str, slot: str) -> Any:
        """The assistant's usual path, so that bookings to cancel and reschedule are common."""
        hold_id = self._hold(who, self.slot_id(slot))
        return hold_id if hold_id is not None and self._confirm(hold_id, who) else multiple()

    @rule(hold_id=holds, who=ACTORS)
    def release(self, hold_id: int, who: str) -> None:
        who = self.actor(who, hold_id)
        expected = self.model.expected_release(hold_id, who)
        response = self.client.post(f"/v1/holds/{hold_id}/release", json={"patient_ref": who})
        self.expect("release", response, expected)
        if expected == 200:
            self.model.appointments[hold_id].status = "expired"
            self.model.audit["hold_released", hold_id] += 1

    @rule(booking_id=bookings, who=ACTORS)
    def cancel(self, booking_id: int, who: str) -> None:
        who = self.actor(who, booking_id)
        expected = self.model.expected_cancel(booking_id, who)
        response = self.client.post(f"/v1/bookings/{booking_id}/cancel", json={"patient_ref": who})
        self.expect("cancel", response, expected)
        if expected == 200:
            assert response.json()["status"] == "cancelled"
            self.model.appointments[booking_id].status = "cancelled"
            self.model.audit["booking_cancelled", booking_id] += 1

    @rule(target=bookings, booking_id=bookings, who=ACTORS, slot=st.sampled_from(SLOT_NAMES))
    def reschedule(self, booking_id: int, who: str, slot: str) -> Any:
        who = self.actor(who, booking_id)
        slot_id = self.slot_id(slot)
        expected = self.model.expected_reschedule(booking_id, who, slot_id)
        response = self.client.post(f"/v1/bookings/{booking_id}/reschedule",
                                    json={"patient_ref": who, "slot_id": slot_id})
        self.expect("reschedule", response, expected)
        if expected != 200:
            return multiple()
        body = response.json()
        assert (body["status"], body["slot"]["id"], body["replaces_id"]) == ("booked", slot_id, booking_id)
        self.model.release_holds_of(who)
        self.model.clear_lapsed(slot_id)
        self.model.appointments[booking_id].status = "cancelled"
        self.model.appointments[body["id"]] = ModelAppointment(body["id"], slot_id, who, "booked", None)
        self.model.audit["booking_rescheduled", booking_id] += 1
        return body["id"]

    @rule(minutes=st.sampled_from(CLOCK_STEPS_MINUTES))
    def advance_clock(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)
        self.model.now = self.clock.now()

    # Invariants ---------------------------------------------------------------------------------------------

    @invariant()
    def at_most_one_live_appointment_per_slot(self) -> None:
        live = (Appointment.status == "booked") | (
            (Appointment.status == "held") & (Appointment.expires_at > self.clock.now()))
        doubled = self.connection.execute(
            select(Appointment.slot_id, func.count()).where(live).group_by(Appointment.slot_id)
            .having(func.count() > 1)
        ).all()
        assert doubled == []

    @invariant()
    def database_matches_model(self) -> None:
        """Every appointment row is one the model expects, in the expected state: nothing half-written."""
        rows = self.connection.execute(
            select(Appointment.id, Appointment.slot_id, Patient.ref, Appointment.status)
            .join(Patient, Patient.id == Appointment.patient_id)
        ).all()
        actual = {row.id: (row.slot_id, row.ref, str(row.status)) for row in rows}
        expected = {a.id: (a.slot_id, a.patient, a.status) for a in self.model.appointments.values()}
        assert actual == expected

    @invariant()
    def every_change_has_one_audit_event(self) -> None:
        rows = self.connection.execute(
            select(AuditEvent.action, AuditEvent.entity_id).where(AuditEvent.entity_type == "appointment")
        ).all()
        assert Counter((row.action, row.entity_id) for row in rows) == self.model.audit

    @invariant()
    def upcoming_bookings_match_model(self) -> None:
        for who in PATIENTS:
            response = self.client.get("/v1/bookings", params={"patient_ref": who})
            assert response.status_code == 200
            assert [b["id"] for b in response.json()] == self.model.upcoming(who), who


def run_booking_machine(engine: Engine, database_url: str, *, max_examples: int, steps: int) -> None:
    machine = type("BookingMachineOnThisDatabase", (BookingStateMachine,),
                   {"engine": engine, "database_url": database_url})
    run_state_machine_as_test(machine, settings=settings(
        max_examples=max_examples,
        stateful_step_count=steps,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ))


@pytest.mark.slow
def test_booking_state_machine_keeps_invariants(engine: Engine, database_url: str) -> None:
    # About 0.5 s an example on SQLite and 1.1 s on PostgreSQL (2 cores): the module stays near 30 s.
    # Longer soaks passed too (400 examples of 40 steps on SQLite, 150 on PostgreSQL): raise these to dig deeper.
    examples = 30 if database_url.startswith("sqlite") else 15
    run_booking_machine(engine, database_url, max_examples=examples, steps=30)
