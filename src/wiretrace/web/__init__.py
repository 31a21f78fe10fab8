"""The web app and HTTP API over a store (extra `[web]`): `wiretrace serve`, or `create_app` for ASGI servers.

Like the CLI, it is a thin layer: every page and endpoint calls the same library functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wiretrace.errors import UsageError

if TYPE_CHECKING:
    from wiretrace.web.app import WebOptions

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def create_app(store_url: str, token: str | None = None, options: WebOptions | None = None) -> Any:
    """Build the FastAPI app over the store at `store_url` (see `wiretrace.web.app.create_app`)."""
    try:
        from wiretrace.web.app import create_app as build
    except ImportError as exc:
        raise UsageError(f"the web app needs the 'web' extra ({exc.name} is missing): pip install 'wiretrace[web]'") from exc
    return build(store_url, token, options)


def serve(store_url: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Run the app with uvicorn until interrupted.

    On a loopback address only requests naming a loopback host are answered, which stops DNS-rebinding
    pages from reading the store through the browser.
    """
    try:
        import uvicorn

        from wiretrace.web.app import WebOptions
    except ImportError as exc:
        raise UsageError(f"the web app needs the 'web' extra ({exc.name} is missing): pip install 'wiretrace[web]'") from exc
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port; use 1-65535")
    hosts = LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else None
    app = create_app(store_url, token, WebOptions(allowed_hosts=hosts))
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


__all__ = ["create_app", "serve"]
