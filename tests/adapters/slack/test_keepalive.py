"""The Web API client keeps its connection alive: many calls, one TCP connection; closed ones are replaced,
and no call is sent twice."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from exit_coach.adapters.slack.app import make_client


class _Api:
    """A tiny HTTP/1.1 Web API on 127.0.0.1 that counts connections and can misbehave on purpose."""

    def __init__(self) -> None:
        self.connections = 0
        self.calls: list[str] = []
        self.posted: list[str] = []
        self.close_after_each = False  # answer, then hang up without saying so (a keep-alive timeout)
        self.drop_next = False  # read the request, then hang up without answering
        self.rate_limit_once = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                api.connections += 1

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                method = self.path.removeprefix("/api/")
                api.calls.append(method)
                if method == "chat.postMessage":
                    api.posted.append(raw.decode(errors="replace"))
                if api.drop_next:
                    api.drop_next = False
                    self.close_connection = True
                    return
                status, body, extra = 200, {"ok": True, "ts": f"1.{len(api.calls)}"}, {}
                if method == "chat.delete":
                    body = {"ok": False, "error": "message_not_found"}
                if api.rate_limit_once:
                    api.rate_limit_once = False
                    status, body, extra = 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"}
                out = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(out)
                if api.close_after_each:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"


@pytest.fixture
def api() -> Iterator[_Api]:
    server = _Api()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_many_calls_share_one_connection(api: _Api) -> None:
    client = make_client("xoxb-test", base_url=api.root)
    for n in range(5):
        assert client.chat_postMessage(channel="D1", text=f"hello {n}")["ok"]
    assert api.calls == ["chat.postMessage"] * 5
    assert api.connections == 1


def test_a_connection_the_server_closed_is_replaced_and_the_call_still_goes_through(api: _Api) -> None:
    api.close_after_each = True
    client = make_client("xoxb-test", base_url=api.root)
    for n in range(3):
        assert client.chat_postMessage(channel="D1", text=f"hello {n}")["ok"]
    # Each message arrived exactly once. Under load the server may hang up just as a kept connection is
    # reused: that send is then of unknown outcome, so the post-once client reads the DM back (an extra
    # call, not an extra post) before sending it again on a fresh connection.
    assert [sum(f"hello {n}" in body for body in api.posted) for n in range(3)] == [1, 1, 1]
    assert api.connections >= 3


def test_slack_errors_and_rate_limits_behave_as_with_urllib(api: _Api) -> None:
    client = make_client("xoxb-test", base_url=api.root)
    with pytest.raises(SlackApiError) as raised:
        client.chat_delete(channel="D1", ts="1.1")
    assert raised.value.response["error"] == "message_not_found"
    api.rate_limit_once = True  # 429 + Retry-After: the retry handler sends it again
    assert client.chat_postMessage(channel="D1", text="again")["ok"]
    assert api.calls == ["chat.delete", "chat.postMessage", "chat.postMessage"]
    assert api.connections == 1


def test_each_thread_keeps_its_own_connection(api: _Api) -> None:
    client = make_client("xoxb-test", base_url=api.root)
    errors: list[BaseException] = []

    def post_three() -> None:
        try:
            for _ in range(3):
                client.chat_postMessage(channel="D1", text="hi")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post_three) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert len(api.calls) == 9
    assert api.connections == 3


def test_a_request_lost_after_it_was_sent_is_reported_not_sent_again(api: _Api) -> None:
    from http.client import RemoteDisconnected

    from exit_coach.adapters.slack.keepalive import KeepAliveWebClient

    client = KeepAliveWebClient(token="xoxb-test", base_url=api.root, retry_handlers=[])  # this layer alone
    assert client.chat_postMessage(channel="D1", text="first")["ok"]
    api.drop_next = True
    with pytest.raises(RemoteDisconnected):
        client.chat_postMessage(channel="D1", text="maybe posted")
    assert api.calls == ["chat.postMessage", "chat.postMessage"]  # the second went out once, never again
    assert client.chat_postMessage(channel="D1", text="after")["ok"]  # and the client carries on
