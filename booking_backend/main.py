"""The FastAPI application: `create_app()` wires settings, database and routers (no I/O at import)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from booking_backend.admin.router import router as admin_router
from booking_backend.api_docs import install_api_index
from booking_backend.api_token import install_api_token
from booking_backend.appointments.router import router as appointments_router
from booking_backend.clock import Clock, SystemClock
from booking_backend.database import build_engine, build_session_factory
from booking_backend.dependencies import SessionDep
from booking_backend.directory.router import router as directory_router
from booking_backend.errors import install_error_handlers
from booking_backend.errors_http import responses
from booking_backend.patients.router import router as patients_router
from booking_backend.scheduling.router import router as slots_router
from booking_backend.settings import Settings, SettingsError, get_settings
from booking_backend.waitlist.router import router as waitlist_router


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Booking backend",
        version="1.0.0",
        description="Slots, holds and appointments for the triage-and-booking assistant. "
        "Times are ISO 8601 with their UK offset (Europe/London).",
        # Swagger UI and ReDoc would load from a CDN: off everywhere. The schema and a plain index of it
        # (api_docs) are published in development and test only.
        openapi_url="/openapi.json" if settings.is_local else None,
        docs_url=None,
        redoc_url=None,
    )
    if settings.is_local:
        install_api_index(app)
    engine = build_engine(settings.database_url, pool_size=settings.db_pool_size)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = build_session_factory(engine)
    app.state.clock = clock or SystemClock()
    install_error_handlers(app)
    install_api_token(app, settings.api_token)

    @app.get("/health", tags=["health"], responses={503: {"description": "The database is unreachable"}})
    def health(session: SessionDep) -> JSONResponse:
        try:
            session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse(status_code=503, content={"status": "unavailable", "database": "unreachable"})
        return JSONResponse(content={"status": "ok"})

    # Routes are matched in order: holds and bookings, the busiest writes, are tried first.
    for router in (appointments_router, slots_router, directory_router, patients_router, waitlist_router,
                   admin_router):
        # Any request may be refused as unreadable (400), without the API token (401; the admin routes: without
        # X-API-Key) or invalid (422), always with the ErrorBody shape.
        app.include_router(router, responses=responses(400, 401, 422))
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory booking_backend.main:app_factory`; exits on unusable settings."""
    try:
        settings = get_settings()
    except SettingsError as error:
        # One line, not a traceback from inside uvicorn's loader.
        raise SystemExit(f"booking_backend: {error}") from None
    return create_app(settings)
