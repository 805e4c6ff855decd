"""Serve -> headers every response carries: the build id as ETag (with 304s), CORS, CSP for HTML."""

from __future__ import annotations

from flask import Flask, Response, request

from ..dataset import current_build

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


def add_common_headers(response: Response) -> Response:
    """Add what a handler did not set itself (one pass: each header lookup scans them all)."""
    common = [*CORS_HEADERS.items(), ("X-Content-Type-Options", "nosniff")]
    if response.mimetype in ("text/html", "application/xhtml+xml"):
        common.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend([(name, value) for name, value in common if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_common_headers)
