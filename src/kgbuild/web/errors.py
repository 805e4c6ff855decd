"""Serve -> an error as the client can read it: a page for browsers, the message alone for everyone else."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, render_template, request


def error_response(status: int, message: str, extra_headers: Mapping[str, str] | None = None) -> Response:
    """An error as a page for browsers and as plain text (the message alone) for everyone else."""
    best = request.accept_mimetypes.best_match(["text/plain", "text/html"], default="text/plain")
    if best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/plain"]:
        body = render_template("error.html", status=status, message=message, path=request.path)
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    else:
        response = Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers.update(extra_headers or {})
    return response
