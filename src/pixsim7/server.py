"""`pixsim7 serve`'s HTTP server: uvicorn, stopping in bounded time whatever is connected.

On SIGTERM or SIGINT uvicorn stops accepting connections, waits for the open ones to
finish, and only then ends the app's lifespan. An event stream never finishes: with a
browser on any page the server never exited, and its embedded worker, stopped only by the
lifespan, went on claiming jobs meanwhile. Here the app is told the moment uvicorn starts
shutting down (`app.stop`): streams end, the worker stops claiming and hands back what it
holds; a request still open after `shutdown_grace_s` is cancelled.
"""

from __future__ import annotations

import contextlib
import math
import socket
import sys
from typing import Any

import uvicorn
from fastapi import FastAPI

from pixsim7 import app as app_module
from pixsim7.config import Settings

STARTUP_FAILURE = 3  # uvicorn's exit code when the app could not start


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        app_module.stop(self._app)
        await super().shutdown(sockets)


def run(app: FastAPI, settings: Settings, **options: Any) -> None:
    """Serve `app` until a signal (`options` as for `uvicorn.run`)."""
    grace = math.ceil(settings.shutdown_grace_s)
    server = _Server(uvicorn.Config(app, timeout_graceful_shutdown=grace, **options), app)
    # (Once stopped, uvicorn raises the signal it caught again: Ctrl-C ends here quietly.)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
