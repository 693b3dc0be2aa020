"""Seeds an empty database with a deterministic fictional demo (practices, ~90 practitioners, sessions)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking_backend.audit import service as audit
from booking_backend.demo.catalogue import (
    BRANCHES,
    EXTRA_LANGUAGES,
    FIRST_NAMES,
    INTERESTS,
    PRACTICES,
    ROLES,
    SURNAMES,
)
from booking_backend.directory.models import Location, Organisation, Practitioner, Service
from booking_backend.scheduling.models import ClinicSession
from booking_backend.scheduling.sessions import regenerate_all
from booking_backend.timezone import to_london

SEED = 20261121


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Organisation))


def _places(session: Session) -> dict[str, tuple[Organisation, list[Location]]]:
    places: dict[str, tuple[Organisation, list[Location]]] = {}
    for code, name, address, postcode, lat, lon in PRACTICES:
        org = Organisation(ods_code=code, name=name, address=address, postcode=postcode, latitude=lat, longitude=lon)
        main = Location(organisation=org, name=name, address=address, postcode=postcode, latitude=lat, longitude=lon)
        places[code] = (org, [main])
    for code, name, address, postcode, lat, lon in BRANCHES:
        org, locations = places[code]
        locations.append(
            Location(organisation=org, name=name, address=address, postcode=postcode, latitude=lat, longitude=lon)
        )
    for org, locations in places.values():
        session.add(org)
        session.add_all(locations)
    session.flush()
    return places


def seed_demo(session: Session, *, now: datetime, horizon_days: int) -> int:
    """Adds the demo to an empty database; returns the number of practitioners added."""
    rng = random.Random(SEED)
    places = _places(session)
    services = {s.code: s for s in session.scalars(select(Service))}
    names = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
    rng.shuffle(names)
    valid_from = to_london(now).date() - timedelta(days=7)
    added = 0
    for template in ROLES:
        for i in range(template.count):
            org, locations = places[template.practices[i % len(template.practices)]]
            first, last = names[added]
            languages = ["en"] + ([rng.choice(EXTRA_LANGUAGES)] if rng.random() < 0.4 else [])
            practitioner = Practitioner(
                organisation=org,
                role=template.role,
                display_name=f"{template.title}{first} {last}",
                bio=template.bio.format(interest=rng.choice(INTERESTS)),
                photo_url=None,
                languages=languages,
            )
            session.add(practitioner)
            for j, pattern in enumerate(template.sessions):
                session.add(
                    ClinicSession(
                        practitioner=practitioner,
                        service=services[pattern.service],
                        location=locations[(i + j) % len(locations)],
                        weekdays=pattern.weekdays,
                        start_time=pattern.start,
                        end_time=pattern.end,
                        slot_minutes=pattern.slot_minutes,
                        channel=pattern.channel,
                        bookable_online=True,
                        valid_from=valid_from,
                        valid_to=None,
                    )
                )
            added += 1
    session.flush()
    regenerate_all(session, now=now, horizon_days=horizon_days)
    audit.record(session, at=now, actor="system", action="demo_seeded", entity_type="organisation", entity_id=0,
                 details={"practitioners": added})
    return added
