"""Serve -> what this read-only, self-contained endpoint refuses before the store sees a query.

Updates (403) and SERVICE calls to endpoints the operator did not allow (400), read from the query's
text (queryrun/querytext.py). A graph the dataset does not have (FROM, FROM NAMED, default-graph-uri,
named-graph-uri) is not refused: it is an empty graph, as Oxigraph and Fuseki answer it, and never fetched.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...queryrun.querytext import QueryShape, read_shape
from .operation import ProtocolError, update_refused


def check_query_text(text: str, allowed_services: Iterable[str]) -> QueryShape:
    """Refuse, before the store sees it, what this read-only, self-contained endpoint does not do.

    Returns what was read (the FROM graphs become the dataset when the request names none).

    :raises ProtocolError: 403 for an update; 400 for a SERVICE call to an endpoint not allowed
        (service_allow).
    """
    shape = read_shape(text)
    if shape.update_words:
        raise update_refused(f"{shape.update_words[0]} inside the query")
    allowed = set(allowed_services)
    for service in shape.services:
        if service is None or service not in allowed:
            named = f"SERVICE <{service}>" if service else "SERVICE with a variable or unresolved name"
            also = f"; the endpoints allowed are: {', '.join(sorted(allowed))}" if allowed else ""
            raise ProtocolError(400, f"{named} (federated query) is not available here: this endpoint answers "
                                     f"from its own data and sends requests only to endpoints its operator "
                                     f"allows (service_allow, KGBUILD_SERVICE_ALLOW){also}")
    return shape
