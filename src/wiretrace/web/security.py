"""What stands between the network and the store: headers, host check, size limits, tokens, clean messages.

Every request passes the ASGI middleware here before any route runs; every error message passes
`public_message` before it leaves the process, so neither a password nor a server path reaches a client.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiretrace import UsageError, WiretraceError, redact_url, scrub_secrets

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
TOKEN_FIELD_LIMIT = 64 * 1024
"""Most bytes of an upload form read to find its leading token field (a token is far shorter)."""


class Unauthorized(WiretraceError):
    """A write was asked for without the right token."""


class WritesDisabled(WiretraceError):
    """A write was asked for, but the server was started without a token."""


# -- hosts -------------------------------------------------------------------------------------------------
def is_loopback(host: str) -> bool:
    """Whether a bind address only this machine can reach: 127.0.0.0/8, ::1 or localhost."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def normalize_host(host: str) -> str:
    """A Host header value or bind address as compared: lower case, no port, IPv6 in brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    if host.count(":") > 1:  # a bare IPv6 address (a bind address, never a Host header)
        return f"[{host}]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def allowed_hosts_for(bind: str, extra: Iterable[str] = ()) -> tuple[str, ...] | None:
    """Host names answered by a server bound to `bind`: None means any (a public bind, no allow-list).

    A loopback bind answers only loopback names (and `extra`), which stops DNS-rebinding pages from
    reading the store through a browser; any other bind answers its own address and `extra`.
    """
    extra = tuple(normalize_host(h) for h in extra if h.strip())
    if is_loopback(bind):
        return tuple(dict.fromkeys((*LOOPBACK_NAMES, normalize_host(bind), *extra)))
    if not extra:
        return None
    wildcard = bind.strip() in ("", "0.0.0.0", "::", "[::]")
    return tuple(dict.fromkeys((*extra, *(() if wildcard else (normalize_host(bind),)))))


class HostCheck:
    """Answers 400 to a request whose Host header is not in the allowed list (checked before any route)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str], refuse: Callable[[Scope, str], Response]):
        self.app = app
        self.allowed = {normalize_host(h) for h in allowed_hosts}
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on when its host is allowed."""
        if scope["type"] in ("http", "websocket") and "*" not in self.allowed:
            raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if normalize_host(raw) not in self.allowed:
                await self.refuse(scope, raw)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# -- headers and sizes -------------------------------------------------------------------------------------
class SecurityHeaders:
    """Adds the Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present_names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present_names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class EarlySizeLimit:
    """Refuses a request whose Content-Length is over its path's limit before any of the body is read.

    Bodies without a Content-Length are cut off while streaming by each route's `max_body_size`.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int], refuse: Callable[[Scope], Response]):
        self.app = app
        self.limit_for = limit_for
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 at once when the declared length is too large; otherwise pass the request on."""
        if scope["type"] == "http":
            declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
            too_large = not declared.strip().isdigit() or int(declared) > self.limit_for(scope["path"])
            if too_large:
                await self.refuse(scope)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class CatchAll:
    """Turns an exception no handler took into `respond(scope, exc)` (the documented 500), inside the headers.

    Starlette's own last-resort handler sits outside every middleware and re-raises; this one answers
    with the security headers and the JSON error body, and leaves the traceback to the log.
    """

    def __init__(self, app: ASGIApp, respond: Callable[[Scope, Exception], Response]):
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; answer for it when it fails before it started answering."""
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started or scope["type"] != "http":
                raise
            await self.respond(scope, exc)(scope, receive, send)


def too_large_message(limit: int) -> str:
    """The 413 message, naming the limit."""
    size = f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit / 1024:.0f} KB"
    return f"the request is too large: the limit here is {size}"


# -- tokens ------------------------------------------------------------------------------------------------
def require_token(configured: str | None, given: str | None) -> None:
    """Refuse a write unless `given` matches the configured token (compared in constant time)."""
    if configured is None:
        raise WritesDisabled(
            "uploads are disabled because this server has no token: "
            "restart it with 'wiretrace serve --token SECRET' or set WIRETRACE_TOKEN"
        )
    if not given or not hmac.compare_digest(given.encode(), configured.encode()):
        raise Unauthorized("a valid token is needed to write (ingest, review): send 'Authorization: Bearer TOKEN'")


def bearer(request: Request) -> str | None:
    """The token of an API request: `Authorization: Bearer …` or `X-Wiretrace-Token` (never the query)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-wiretrace-token")


async def leading_form_field(request: Request, name: str) -> tuple[str | None, Request]:
    """The value of a multipart form's first field when it is `name`, read before the rest of the body.

    Lets the upload form refuse a wrong token without spooling the files that follow it. Returns the
    value (None when the first field is another one) and a request that replays what was read.
    """
    boundary = _boundary(request.headers.get("content-type", ""))
    messages: list[Message] = []
    buffered, more = b"", True
    while boundary and more and len(buffered) < TOKEN_FIELD_LIMIT and buffered.count(b"--" + boundary) < 2:
        message = await request.receive()
        messages.append(message)
        buffered += message.get("body", b"")
        more = message.get("more_body", False)
    value = _first_field(buffered, boundary, name) if boundary else None

    async def replay() -> Message:
        return messages.pop(0) if messages else await request.receive()

    return value, Request(request.scope, replay)


def _boundary(content_type: str) -> bytes | None:
    match = re.search(r'boundary="?([^";]+)"?', content_type, re.I)
    return match.group(1).encode("latin-1") if match and content_type.lower().startswith("multipart/form-data") else None


def _first_field(body: bytes, boundary: bytes, name: str) -> str | None:
    parts = body.split(b"--" + boundary)
    if len(parts) < 3:  # the first part is not complete within the limit
        return None
    head, _, value = parts[1].lstrip(b"\r\n").partition(b"\r\n\r\n")
    disposition = head.decode("latin-1").lower()
    if f'name="{name}"' not in disposition or "filename=" in disposition:
        return None
    return value.removesuffix(b"\r\n").decode("utf-8", "replace")


# -- what may leave the process ----------------------------------------------------------------------------
def public_message(message: str, store_url: str, folders: Iterable[str] = ()) -> str:
    """An error message fit for a client: no password, no store location, no server folder."""
    message = scrub_secrets(message, store_url)
    for location in sorted({store_url, redact_url(store_url), *folders}, key=len, reverse=True):
        if location:
            message = message.replace(location, "the store" if location in (store_url, redact_url(store_url)) else "")
    return message


def encodable(value: str | None, field: str) -> str | None:
    """`value` if it is valid Unicode text (no lone surrogate, which no tokenizer or database accepts)."""
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UsageError(f"{field}: the text holds an invalid character at position {exc.start}; send UTF-8 text") from exc
    return value

