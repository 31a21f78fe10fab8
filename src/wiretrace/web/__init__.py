"""The web app and HTTP API over a store (extra `[web]`): `wiretrace serve`, or `create_app` for ASGI servers.

Like the CLI, it is a thin layer: every page and endpoint calls the same library functions.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wiretrace import UsageError

if TYPE_CHECKING:
    from wiretrace.web.app import WebOptions

ALLOWED_HOSTS_ENV = "WIRETRACE_ALLOWED_HOSTS"
LOG = logging.getLogger("wiretrace.web")


def create_app(store_url: str, token: str | None = None, options: WebOptions | None = None) -> Any:
    """Build the FastAPI app over the store at `store_url` (see `wiretrace.web.app.create_app`)."""
    try:
        from wiretrace.web.app import create_app as build
    except ImportError as exc:
        raise UsageError(f"the web app needs the 'web' extra ({exc.name} is missing): pip install 'wiretrace[web]'") from exc
    return build(store_url, token, options)


def serve(store_url: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          allowed_hosts: Sequence[str] = ()) -> None:
    """Run the app with uvicorn until interrupted.

    On a loopback address (127.0.0.0/8, ::1, localhost) only requests naming a loopback host are
    answered, which stops DNS-rebinding pages from reading the store through the browser. On any other
    address only `allowed_hosts` (and `WIRETRACE_ALLOWED_HOSTS`, comma-separated) are answered; with
    none given every host is, and a warning says so.
    """
    try:
        import uvicorn

        from wiretrace.web.app import WebOptions
        from wiretrace.web.security import allowed_hosts_for
    except ImportError as exc:
        raise UsageError(f"the web app needs the 'web' extra ({exc.name} is missing): pip install 'wiretrace[web]'") from exc
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port; use 1-65535")
    extra = [*allowed_hosts, *os.environ.get(ALLOWED_HOSTS_ENV, "").split(",")]
    hosts = allowed_hosts_for(host, extra)
    if hosts is None:
        LOG.warning("serving %s with no --allowed-host: any Host header is answered, so a DNS-rebinding page can "
                    "read the store; name the server's host names with --allowed-host or %s", host, ALLOWED_HOSTS_ENV)
    app = create_app(store_url, token, WebOptions(allowed_hosts=hosts, dossier_wait=1.5))
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="info", server_header=False)


__all__ = ["create_app", "serve"]
