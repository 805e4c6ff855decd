"""The row cap counts exactly what a client would count, whatever the values hold and however long the answer.

Against the production server on loopback (serving.TEST_LIMITS: 100 rows, 1 MiB). Rows are counted in
the serialised bytes, so values that look like the format's own syntax (a JSON object, an XML tag, a
CSV line break) and empty solutions must neither add rows nor hide them, in a short answer (one frame)
and in one long enough to be streamed in chunks.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests

CAP = 100  # serving.TEST_LIMITS
LOOKALIKES = ['},{"x":{"type":"uri"}}', '{"', '[{', '{}', "a{", "\\", '"', "<result>", "a\nb", 'x","y', "}]}"]
FORMATS = {
    "application/sparql-results+json": lambda body: len(json.loads(body)["results"]["bindings"]),
    "application/sparql-results+xml": lambda body: body.count("<result>"),
    "text/csv": lambda body: len(list(csv.reader(io.StringIO(body, newline="")))) - 1,
    "text/tab-separated-values": lambda body: len(body.splitlines()) - 1,
}


def values_query(rows: int, padding: int) -> str:
    """A query answering `rows` solutions: look-alike values, padded to length, and every fifth one empty."""
    lines = []
    for row in range(rows):
        if row % 5 == 4:
            lines.append("(UNDEF UNDEF)")
            continue
        text = LOOKALIKES[row % len(LOOKALIKES)] + "." * padding
        literal = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
        lines.append(f"({literal} {row})")
    return "SELECT ?value ?row WHERE { VALUES (?value ?row) {\n" + "\n".join(lines) + "\n} }"


def ask(server, text: str, accept: str) -> requests.Response:
    return requests.post(server.url("/sparql"), data=text.encode(), timeout=60,
                         headers={"Content-Type": "application/sparql-query", "Accept": accept})


@pytest.mark.parametrize("accept", list(FORMATS))
@pytest.mark.parametrize("padding", [0, 2000], ids=["short", "streamed"])
def test_an_answer_of_exactly_the_cap_is_whole(guarded, accept, padding):
    response = ask(guarded, values_query(CAP, padding), accept)
    assert response.status_code == 200
    assert FORMATS[accept](response.text) == CAP


@pytest.mark.parametrize("accept", list(FORMATS))
@pytest.mark.parametrize("padding", [0, 2000], ids=["short", "streamed"])
def test_one_row_past_the_cap_is_refused_or_broken_off(guarded, accept, padding):
    try:
        response = ask(guarded, values_query(CAP + 1, padding), accept)
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError):
        assert padding, "a short answer is refused with a status, before it starts"
        return
    assert response.status_code == 400 and f"more than {CAP} rows" in response.text


def test_a_short_answer_comes_whole_with_its_length(guarded):
    response = ask(guarded, values_query(10, 0), "application/sparql-results+json")
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
