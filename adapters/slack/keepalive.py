"""Web API connections kept alive: slack_sdk's `WebClient` with its transport step reusing connections.

slack_sdk's sync client sends every call through `urllib.request.urlopen`,
which opens a new TCP (and, for https, TLS) connection per call and closes it
afterwards: most of the CPU a posted reply cost. `KeepAliveWebClient` changes
only that transport step (`_perform_urllib_http_request_internal`). Each
thread keeps one `http.client` connection per API host (a worker thread posts
one user's replies in order, so a connection is never shared between threads)
and reuses it while the server keeps it open.

Everything else stays slack_sdk's (and any subclass's): request building,
retry handlers, response parsing, errors. Statuses outside 2xx raise
`urllib.error.HTTPError` and a failed connect or send raises `URLError`,
exactly as `urlopen` would, so retry handlers see what they expect.

A request is never sent twice by this layer once it may have reached the
server: a kept connection is checked before reuse (a server that closed it
meanwhile, e.g. at its keep-alive timeout, has left it readable at EOF) and
replaced; only when sending on a kept connection fails is the request sent
again, once, on a new one. A connection lost after the request went out is
reported as it is (`RemoteDisconnected`, ...), for the caller to decide. With
a proxy configured the client falls back to urllib.
"""

from __future__ import annotations

import http.client
import io
import select
import threading
import time
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

IDLE_LIMIT = 30.0
"""Seconds a kept connection may sit unused before it is replaced rather than risked (servers drop idle ones)."""

_Key = tuple[str, str, int]


class _Kept(threading.local):
    """This thread's open connections by (scheme, host, port), with when each was last used."""

    def __init__(self) -> None:
        self.conns: dict[_Key, tuple[http.client.HTTPConnection, float]] = {}


class KeepAliveWebClient(WebClient):
    """A `WebClient` whose calls reuse this thread's connection to the API host."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept = _Kept()

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if self.proxy is not None or parts.scheme not in ("http", "https") or not parts.hostname:
            return super()._perform_urllib_http_request_internal(url, req)
        key = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = dict(req.header_items())
        conn, reused = self._connection(key)
        try:
            try:
                conn.request("POST", path, body=req.data, headers=headers)
            except OSError as exc:
                self._drop(key)
                if not reused:
                    raise URLError(exc) from exc
                conn, _ = self._connection(key)  # the kept one broke while sending: once more, on a new one
                try:
                    conn.request("POST", path, body=req.data, headers=headers)
                except OSError as again:
                    raise URLError(again) from again
            response = conn.getresponse()
            data = response.read()
        except BaseException:
            self._drop(key)
            raise
        if response.will_close:
            self._drop(key)
        else:
            self._kept.conns[key] = (conn, time.monotonic())
        return _result(url, response, data)

    def _connection(self, key: _Key) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's kept connection to `key` if it is still usable (and True), or a new one (and False)."""
        kept = self._kept.conns.get(key)
        if kept is not None and time.monotonic() - kept[1] < IDLE_LIMIT and not _peer_closed(kept[0]):
            return kept[0], True
        self._drop(key)
        scheme, host, port = key
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self.ssl)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
        self._kept.conns[key] = (conn, time.monotonic())
        return conn, False

    def _drop(self, key: _Key) -> None:
        kept = self._kept.conns.pop(key, None)
        if kept is not None:
            kept[0].close()


def _peer_closed(conn: http.client.HTTPConnection) -> bool:
    """Whether an idle kept connection is unusable: closed here, or readable (EOF) because the server closed it."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


def _result(url: str, response: http.client.HTTPResponse, data: bytes) -> dict[str, Any]:
    """What slack_sdk expects from its transport step; HTTPError for a non-2xx status, as urllib raises."""
    if not 200 <= response.status < 300:
        raise HTTPError(url, response.status, response.reason, response.msg, io.BytesIO(data))
    if response.msg.get_content_type() == "application/gzip":
        return {"status": response.status, "headers": response.msg, "body": data}
    charset = response.msg.get_content_charset() or "utf-8"
    return {"status": response.status, "headers": response.msg, "body": data.decode(charset)}
