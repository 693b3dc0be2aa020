"""Command line: `python -m booking_backend prepare|serve|seed|regenerate`.

prepare  migrate the database, seed the demo when it is empty, top up slots to the horizon
serve    prepare, then run the HTTP server on BACKEND_HOST:BACKEND_PORT
"""

from __future__ import annotations

import argparse
import logging

import uvicorn

from booking_backend.clock import SystemClock
from booking_backend.database import build_engine, build_session_factory
from booking_backend.demo.seed import is_empty, seed_demo
from booking_backend.migrations import upgrade
from booking_backend.scheduling.sessions import regenerate_all
from booking_backend.settings import get_settings

logger = logging.getLogger("booking_backend")


def prepare(*, seed: bool = True) -> None:
    settings = get_settings()
    upgrade(settings.database_url)
    engine = build_engine(settings.database_url, pool_size=1)
    now = SystemClock().now()
    try:
        with build_session_factory(engine)() as session:
            if seed and is_empty(session):
                added = seed_demo(session, now=now, horizon_days=settings.slot_horizon_days)
                logger.info("Seeded the demo: %d practitioners", added)
            else:
                result = regenerate_all(session, now=now, horizon_days=settings.slot_horizon_days)
                logger.info("Slots topped up: %d new, %d withdrawn", result.created, result.withdrawn)
            session.commit()
    finally:
        engine.dispose()


def serve(workers: int) -> None:
    settings = get_settings()
    prepare()
    logger.info("Booking backend on http://%s:%d (API docs at /docs)", settings.backend_host, settings.backend_port)
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
    commands.add_parser("prepare", help="migrate, seed when empty, top up slots")
    commands.add_parser("migrate", help="apply database migrations only")
    serve_parser = commands.add_parser("serve", help="prepare, then serve HTTP")
    serve_parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "prepare":
        prepare()
    elif args.command == "migrate":
        upgrade(get_settings().database_url)
    else:
        serve(args.workers)
