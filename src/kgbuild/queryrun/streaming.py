"""Query runtime -> stream what Oxigraph serialises to the client, chunk by chunk, instead of building it in memory."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

CHUNK_SIZE = 64 * 1024
_DONE = object()


class ClientGone(Exception):
    """The client stopped reading; the serialiser stops too."""


class _ChunkWriter:
    """A binary file-like object that hands full chunks to a bounded queue (back-pressure)."""

    def __init__(self, chunks: queue.Queue, cancelled: threading.Event) -> None:
        self._chunks = chunks
        self._cancelled = cancelled
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        if self._cancelled.is_set():
            raise ClientGone()
        self._buffer += data
        if len(self._buffer) >= CHUNK_SIZE:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            self._put(bytes(self._buffer))
            self._buffer.clear()

    def _put(self, item: object) -> None:
        while not self._cancelled.is_set():
            try:
                self._chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise ClientGone()


class SerialisedStream:
    """The body of a response whose bytes an Oxigraph serialiser writes on a helper thread.

    The first chunk (or the whole body, when it is small) is produced before the response
    starts, so an error in evaluating the query still becomes an error status; `close()`
    (called by the WSGI server when the client goes away) stops the serialiser.
    """

    def __init__(self, serialise: Callable[[_ChunkWriter], object]) -> None:
        self._chunks: queue.Queue = queue.Queue(maxsize=8)
        self._cancelled = threading.Event()
        writer = _ChunkWriter(self._chunks, self._cancelled)
        self._thread = threading.Thread(target=self._run, args=(serialise, writer), daemon=True)
        self._thread.start()
        self._first = self._chunks.get()
        if isinstance(self._first, BaseException):
            raise self._first

    def _run(self, serialise: Callable[[_ChunkWriter], object], writer: _ChunkWriter) -> None:
        try:
            serialise(writer)
            writer.flush()
            writer._put(_DONE)
        except ClientGone:
            return
        except Exception as error:  # handed to the reading side, which reports it
            try:
                writer._put(error)
            except ClientGone:
                return

    def __iter__(self) -> Iterator[bytes]:
        item = self._first
        while item is not _DONE:
            if isinstance(item, BaseException):
                raise item  # headers are sent already: the server cuts the connection
            yield item
            item = self._chunks.get()

    def close(self) -> None:
        self._cancelled.set()
