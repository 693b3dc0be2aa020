"""Command line: `python -m booking_backend prepare|serve|migrate|seed-demo|ingest-transcripts`.

ENVIRONMENT (development, test or production) must be set for every command.

prepare    migrate the database; on an empty one seed the fictional demo in development and test only;
           top up slots to the horizon
serve      prepare, then run the HTTP server on BACKEND_HOST:BACKEND_PORT
migrate    apply database migrations only
seed-demo  migrate, then seed the fictional demo into an empty database (in any environment)
ingest-transcripts
           read new events from Rasa's tracker store (TRACKER_STORE_URL) into the staff transcripts,
           redacted on the way in
"""

from __future__ import annotations

import argparse
import logging

import uvicorn
from sqlalchemy import create_engine

from booking_backend.clock import SystemClock
from booking_backend.database import build_engine, build_session_factory, normalise_url
from booking_backend.demo.seed import is_empty, seed_demo
from booking_backend.migrations import upgrade
from booking_backend.scheduling.sessions import regenerate_all
from booking_backend.settings import Settings, SettingsError, get_settings
from booking_backend.transcripts.ingest import IngestResult, ingest_all

logger = logging.getLogger("booking_backend")

EXIT_BAD_SETTINGS = 2
EXIT_NOT_EMPTY = 3
EXIT_NO_SOURCE = 4


class NotEmpty(RuntimeError):
    """seed-demo was asked to seed a database that already holds data."""


def prepare(settings: Settings) -> None:
    upgrade(settings.database_url)
    engine = build_engine(settings.database_url, pool_size=1)
    now = SystemClock().now()
    try:
        with build_session_factory(engine)() as session:
            if not is_empty(session):
                result = regenerate_all(session, now=now, horizon_days=settings.slot_horizon_days)
                logger.info("Slots topped up: %d new, %d withdrawn", result.created, result.withdrawn)
            elif settings.is_local:
                added = seed_demo(session, now=now, horizon_days=settings.slot_horizon_days)
                logger.info("Seeded the demo: %d practitioners", added)
            else:
                logger.warning(
                    "The database is empty and nothing was seeded (ENVIRONMENT=%s): configure organisations, "
                    "practitioners and sessions through /v1/admin, or load the fictional demo with "
                    "`python -m booking_backend seed-demo`", settings.environment)
            session.commit()
    finally:
        engine.dispose()


def seed_demo_command(settings: Settings) -> None:
    """Migrate, then seed the demo; NotEmpty (and nothing written) when the database holds data."""
    upgrade(settings.database_url)
    engine = build_engine(settings.database_url, pool_size=1)
    try:
        with build_session_factory(engine)() as session:
            if not is_empty(session):
                raise NotEmpty("The database already holds organisations: seed-demo only seeds an empty database")
            added = seed_demo(session, now=SystemClock().now(), horizon_days=settings.slot_horizon_days)
            session.commit()
            logger.info("Seeded the demo: %d practitioners", added)
    finally:
        engine.dispose()


def ingest_transcripts_command(settings: Settings, tracker_store_url: str) -> IngestResult:
    """Migrate, then read everything new in the tracker store into the transcripts."""
    upgrade(settings.database_url)
    engine = build_engine(settings.database_url, pool_size=1)
    source = create_engine(normalise_url(tracker_store_url))
    try:
        with build_session_factory(engine)() as session:
            result = ingest_all(source, session)
        logger.info("Transcripts: %d new events, %d messages stored, cursor at %d",
                    result.events, result.messages, result.cursor)
        return result
    finally:
        source.dispose()
        engine.dispose()


def serve(settings: Settings, workers: int) -> None:
    prepare(settings)
    docs = "API index at /docs" if settings.is_local else "no API docs in production"
    logger.info("Booking backend on http://%s:%d (%s)", settings.backend_host, settings.backend_port, docs)
    uvicorn.run(
        "booking_backend.main:app_factory",
        factory=True,
        host=settings.backend_host,
        port=settings.backend_port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m booking_backend", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare", help="migrate, seed the demo when empty (development, test), top up slots")
    commands.add_parser("migrate", help="apply database migrations only")
    commands.add_parser("seed-demo", help="migrate, then seed the fictional demo into an empty database")
    commands.add_parser("ingest-transcripts", help="read Rasa's tracker store into the staff transcripts")
    serve_parser = commands.add_parser("serve", help="prepare, then serve HTTP")
    serve_parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except SettingsError as error:
        parser.exit(EXIT_BAD_SETTINGS, f"{parser.prog}: {error}\n")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "prepare":
        prepare(settings)
    elif args.command == "migrate":
        upgrade(settings.database_url)
    elif args.command == "seed-demo":
        try:
            seed_demo_command(settings)
        except NotEmpty as error:
            parser.exit(EXIT_NOT_EMPTY, f"{parser.prog} seed-demo: {error}\n")
    elif args.command == "ingest-transcripts":
        if not settings.tracker_store_url:
            parser.exit(EXIT_NO_SOURCE, f"{parser.prog} ingest-transcripts: TRACKER_STORE_URL must name Rasa's "
                        "tracker store (e.g. sqlite:///var/tracker.db)\n")
        ingest_transcripts_command(settings, settings.tracker_store_url)
    else:
        serve(settings, args.workers)
