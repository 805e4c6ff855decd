"""Serve -> how large a request's line and headers may be, and the app's own check of them (414 / 431).

gunicorn refuses a longer head itself (web/servers/gunicorn_server.py passes it these limits);
granian's HTTP parser has only a total cap, so the app checks the same limits for every server.
A query longer than the request line allows goes in a POST body (max_query_bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from werkzeug.exceptions import HTTPException

MAX_REQUEST_LINE = 8190  # gunicorn's ceiling, in bytes of "METHOD target HTTP/1.1"
MAX_HEADER_SIZE = 8190  # one header, name and value
MAX_HEADERS = 100


class HeadTooLarge(HTTPException):
    """A request line or headers past the limits; code is 414 or 431."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code


def check_request_head(environ: Mapping[str, object]) -> None:
    """Refuse a request whose line or headers pass the limits above.

    The request line is measured as sent where the server says (RAW_URI, REQUEST_URI), else rebuilt
    from the decoded path and the raw query string: a path sent percent-encoded counts as encoded.

    :raises HeadTooLarge: 414 for the request line, 431 for a header or too many of them.
    """
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not isinstance(target, str):
        path, query = str(environ.get("PATH_INFO") or "/"), str(environ.get("QUERY_STRING") or "")
        if 3 * len(path) + len(query) + 1 <= MAX_REQUEST_LINE - 32:  # short even if every byte was %XX: no need
            target = ""  # to spell the path out (the usual case, measured in docs/performance.md)
        else:
            target = quote(path, safe="/;=,@:!$&'()*+~") + (f"?{query}" if query else "")
    line = len(str(environ.get("REQUEST_METHOD", ""))) + len(target) + len(str(environ.get("SERVER_PROTOCOL", ""))) + 2
    if line > MAX_REQUEST_LINE:
        raise HeadTooLarge(414, f"the request line is {line:,} bytes, more than the {MAX_REQUEST_LINE:,} this "
                           "endpoint reads; send a long query as a POST body (Content-Type: application/sparql-query)")
    headers = [(key, value) for key, value in environ.items()
               if key[:5] == "HTTP_" or key in ("CONTENT_TYPE", "CONTENT_LENGTH")]
    if len(headers) > MAX_HEADERS:
        raise HeadTooLarge(431, f"the request has {len(headers)} headers, more than the {MAX_HEADERS} this "
                           "endpoint reads")
    for key, value in headers:
        if len(key) + len(str(value)) > MAX_HEADER_SIZE + 5:  # HTTP_NAME: the name, plus the prefix
            raise HeadTooLarge(431, f"the header {key.removeprefix('HTTP_').replace('_', '-')} is longer than "
                               f"{MAX_HEADER_SIZE:,} bytes, the most this endpoint reads")
