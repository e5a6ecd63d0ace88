"""A TCP proxy on 127.0.0.1 that can freeze (blackhole) or refuse, in front of a real server (PostgreSQL)."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class Proxy:
    target: tuple[str, int] | None
    """Where to forward; None: accept and never answer (a blackholed port)."""
    port: int = 0
    frozen: bool = False
    _listener: socket.socket | None = None
    _conns: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Proxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._conns.append(client)
            if self.target is None:
                continue  # held open, never read, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        while True:
            if self.frozen:  # stop reading: the sender's bytes sit in buffers, as on a dead link
                readable: list[socket.socket] = []
                select.select([], [], [], 0.02)
            else:
                try:
                    readable, _, _ = select.select([src], [], [], 0.02)
                except (OSError, ValueError):
                    return
            if not readable:
                continue
            try:
                data = src.recv(65536)
                if not data:
                    raise OSError
                dst.sendall(data)
            except OSError:
                for s in (src, dst):
                    with contextlib.suppress(OSError):
                        s.close()
                return

    def refuse(self) -> None:
        """Close the port and every connection through it (the server went away)."""
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the accept() blocked on it, which holds the port open
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                conn.close()
            except OSError:
                pass

    def reopen(self) -> None:
        self.frozen = False
        self.start()

    def stop(self) -> None:
        self.frozen = False
        self.refuse()
