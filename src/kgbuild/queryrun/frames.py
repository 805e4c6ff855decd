"""Query runtime -> frames between a server worker and its query processes: a kind byte, a length, the payload.

Reads are buffered, so a small answer costs one system call on each side, and a read waits at
most the time the caller has left (the query's deadline).
"""

from __future__ import annotations

import socket
import struct
import time
from typing import Protocol, overload

_HEADER = struct.Struct("!cI")  # kind, payload length
_READ_SIZE = 256 * 1024


class FrameSender(Protocol):
    """What answering a query needs of its connection: a FrameSocket, or the in-process stand-in."""

    def send(self, kind: bytes, payload: bytes = b"") -> None: ...


class FrameSocket:
    """One end of a socket pair, sending and receiving whole frames."""

    def __init__(self, end: socket.socket) -> None:
        self._socket = end
        self._buffer = bytearray()

    def send(self, kind: bytes, payload: bytes = b"") -> None:
        self._socket.sendall(_HEADER.pack(kind, len(payload)) + payload)

    @overload
    def receive(self, timeout: None = None) -> tuple[bytes, bytes]: ...

    @overload
    def receive(self, timeout: float) -> tuple[bytes, bytes] | None: ...

    def receive(self, timeout: float | None = None) -> tuple[bytes, bytes] | None:
        """The next frame as (kind, payload); None when none is whole within timeout seconds.

        :raises EOFError: the other end is gone.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            frame = self._take()
            if frame is not None:
                return frame
            if deadline is None:
                self._socket.settimeout(None)
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._socket.settimeout(remaining)
            try:
                data = self._socket.recv(max(_READ_SIZE, self._missing()))
            except TimeoutError:
                return None
            except OSError:
                raise EOFError("the socket was closed") from None
            if not data:
                raise EOFError("the other end closed the socket")
            self._buffer += data

    def _missing(self) -> int:
        if len(self._buffer) < _HEADER.size:
            return _HEADER.size - len(self._buffer)
        return _HEADER.size + _HEADER.unpack_from(self._buffer)[1] - len(self._buffer)

    def _take(self) -> tuple[bytes, bytes] | None:
        if len(self._buffer) < _HEADER.size:
            return None
        kind, length = _HEADER.unpack_from(self._buffer)
        end = _HEADER.size + length
        if len(self._buffer) < end:
            return None
        with memoryview(self._buffer) as view:
            payload = bytes(view[_HEADER.size:end])
        del self._buffer[:end]
        return kind, payload

    def close(self) -> None:
        self._socket.close()
