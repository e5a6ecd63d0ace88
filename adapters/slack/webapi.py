"""The Web API client: slack_sdk's `WebClient` with its HTTP connections kept alive and reused.

slack_sdk's sync client sends every call through `urllib.request.urlopen`,
which opens a new TCP (and, for https, TLS) connection per call and closes it
afterwards: most of the CPU a posted reply cost. `KeepAliveWebClient` changes
only that transport step. Each thread keeps one `http.client` connection per
API host (a worker thread posts one user's replies in order, so connections
are never shared between threads) and reuses it while the server keeps it open.

Everything else stays slack_sdk's: request building, retry handlers (rate
limits, dropped connections), response parsing and errors. Statuses outside
2xx raise `urllib.error.HTTPError` and failed connections `URLError`, exactly
as `urlopen` would, so the retry handlers see what they expect. A kept
connection that the server has closed meanwhile (a keep-alive timeout) fails
before any answer arrives; that one call is retried once on a fresh connection.
With a proxy configured the client falls back to urllib.
"""

from __future__ import annotations

import http.client
import io
import threading
import time
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

IDLE_LIMIT = 30.0
"""Seconds a kept connection may sit unused before it is replaced rather than risked (servers drop idle ones)."""

_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)
"""How a kept connection that the server closed meanwhile fails, before any answer: safe to send again."""

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
        for attempt in (1, 2):
            conn, reused = self._connection(key, fresh=attempt == 2)
            try:
                try:
                    conn.request("POST", path, body=req.data, headers=headers)
                except OSError as exc:
                    if reused and isinstance(exc, _STALE):
                        raise _Stale from exc
                    raise URLError(exc) from exc
                response = conn.getresponse()
                data = response.read()
            except _Stale:
                self._drop(key)
                continue
            except _STALE:
                self._drop(key)
                if reused:
                    continue
                raise
            except BaseException:
                self._drop(key)
                raise
            if response.will_close:
                self._drop(key)
            else:
                self._kept.conns[key] = (conn, time.monotonic())
            return _result(url, response, data)
        raise AssertionError("unreachable: the second attempt uses a fresh connection")

    def _connection(self, key: _Key, *, fresh: bool) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's kept connection to `key` (and True), or a new one (and False)."""
        kept = self._kept.conns.get(key)
        if kept is not None and not fresh and time.monotonic() - kept[1] < IDLE_LIMIT:
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


class _Stale(Exception):
    """A kept connection was found closed while sending: send again on a new one."""


def _result(url: str, response: http.client.HTTPResponse, data: bytes) -> dict[str, Any]:
    """What slack_sdk expects from its transport step; HTTPError for a non-2xx status, as urllib raises."""
    if not 200 <= response.status < 300:
        raise HTTPError(url, response.status, response.reason, response.msg, io.BytesIO(data))
    if response.msg.get_content_type() == "application/gzip":
        return {"status": response.status, "headers": response.msg, "body": data}
    charset = response.msg.get_content_charset() or "utf-8"
    return {"status": response.status, "headers": response.msg, "body": data.decode(charset)}
