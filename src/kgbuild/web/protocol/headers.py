"""Serve -> headers every response carries: the build id as ETag (with 304s), CORS, CSP for HTML."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask, Response, request

from ..dataset import current_build

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# YASGUI sets styles from script and ships fonts as data: URIs; nothing is loaded from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, If-None-Match",
    "Access-Control-Expose-Headers": "ETag, Content-Language, Vary, Content-Length",
    "Access-Control-Max-Age": "86400",
}


def entity_tag(variant: str) -> str:
    """The ETag of one representation: the build id, then what varies (format, language).

    Every representation of the same build carries the build id; the variant keeps a cache
    from answering a Turtle request with the JSON it stored under the same URL.
    """
    return f"{current_build().build_id}.{variant}"


def not_modified(tag: str, vary: tuple[str, ...] = ()) -> Response | None:
    """A 304 when the client already holds this representation (If-None-Match), else None."""
    if request.method not in ("GET", "HEAD") or not request.if_none_match.contains(tag):
        return None
    response = Response(status=304)
    return mark(response, tag, vary)


def mark(response: Response, tag: str, vary: tuple[str, ...] = ()) -> Response:
    """Put the ETag, Vary and caching headers on a response."""
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"  # revalidate: a new build changes every tag
    if vary and "Vary" not in response.headers:  # the usual case, without parsing a Vary header first
        response.headers["Vary"] = ", ".join(vary)
    else:
        for header in vary:
            response.vary.add(header)
    return response


HTML_TYPES = ("text/html", "application/xhtml+xml")
_COMMON = (*CORS_HEADERS.items(), ("X-Content-Type-Options", "nosniff"))
_HTML_ONLY = ("Content-Security-Policy", CONTENT_SECURITY_POLICY)


def add_common_headers(headers: list[tuple[str, str]]) -> None:
    """Add to a response's header list what its handler did not set itself (CSP only for HTML)."""
    present = {name.lower() for name, _ in headers}
    media_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    headers.extend(header for header in _COMMON if header[0].lower() not in present)
    if media_type.split(";", 1)[0].strip().lower() in HTML_TYPES and "content-security-policy" not in present:
        headers.append(_HTML_ONLY)


class CommonHeaders:
    """WSGI middleware putting the common headers on every response the app sends, errors included.

    Done on the header list the response hands the server, not on werkzeug's Headers object,
    whose every add validates and scans (a fifth of the app's own work on a small query).
    """

    def __init__(self, app: WSGIApplication) -> None:
        self._app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start_with_common(status: str, headers: list[tuple[str, str]], exc_info=None):
            add_common_headers(headers)
            return start_response(status, headers, exc_info)

        return self._app(environ, start_with_common)


def init_app(app: Flask) -> None:
    app.wsgi_app = CommonHeaders(app.wsgi_app)  # type: ignore[method-assign]
