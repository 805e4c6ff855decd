"""Serve -> what this read-only, self-contained endpoint refuses before the store sees a query.

Updates (403), SERVICE calls to endpoints the operator did not allow, and graphs the dataset does
not have (400): each read from the query's text (queryrun/querytext.py) or the protocol's parameters.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...queryrun.querytext import QueryShape, read_shape
from .operation import ProtocolError, update_refused


def check_query_text(text: str, own_graphs: Iterable[str], allowed_services: Iterable[str]) -> QueryShape:
    """Refuse, before the store sees it, what this read-only, self-contained endpoint does not do.

    Returns what was read (the FROM graphs become the dataset when the request names none).

    :raises ProtocolError: 403 for an update; 400 for a SERVICE call to an endpoint not allowed
        (service_allow) and for FROM / FROM NAMED naming a graph this dataset does not have
        (Oxigraph reads FROM graphs from the store, but a remote or file: IRI there is a sign of a
        client expecting the server to fetch it, which it never does).
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
    check_graphs([*shape.from_graphs, *shape.from_named_graphs], own_graphs, "FROM / FROM NAMED")
    return shape


def check_graphs(graphs: Iterable[str | None], own_graphs: Iterable[str], where: str) -> None:
    """Every graph named must be one of the dataset's own.

    :raises ProtocolError: 400 naming the graph and listing the dataset's graphs.
    """
    own = sorted(own_graphs)
    for graph in graphs:
        if graph not in own:
            raise ProtocolError(400, f"{where} names {f'<{graph}>' if graph else 'a graph it cannot resolve'}, "
                                     f"which is not a graph of this dataset (nothing is fetched from elsewhere); "
                                     f"the graphs are: {', '.join(f'<{iri}>' for iri in own)}")
