"""A Sanic app served on a free loopback port inside the test's event loop, as `rasa run` serves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Sanic

from tests.stack import free_port


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """Start `app` with its listeners (before/after start and stop) and yield its base URL."""
    # Sanic rewrites its protocol classes at start-up ("touchup"); in test mode it keeps the
    # originals, so a second app in the same process starts too.
    Sanic.test_mode = True
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
