"""#13.3: what is not a well-formed signed Slack request is refused before any parsing: 4xx, no traceback,
memory flat. Driven against a real `coach slack --http` process."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adapters.slack.conftest import sign
from tests.faults.proc import CoachProcess
from tests.faults.stubs import FaultyStub

MB = 1_000_000


@pytest.fixture
def faulty() -> Iterator[FaultyStub]:
    stub = FaultyStub().start()
    yield stub
    stub.stop()


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _raw(port: int, head: bytes, body_chunks: int, chunk: bytes) -> bytes:
    """Send headers and up to `body_chunks` chunks (stop when the server hangs up); the raw answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for _ in range(body_chunks):
                sock.sendall(chunk)
        except OSError:  # refused early: the server closed after its answer
            pass
        try:
            return sock.recv(4096)
        except OSError:
            return b""


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def test_malformed_and_unsigned_requests_get_a_4xx_and_memory_stays_flat(tmp_path: Path,
                                                                        faulty: FaultyStub) -> None:
    proc = CoachProcess(faulty.api, f"sqlite:///{tmp_path / 'coach.db'}", tmp_path).start()
    try:
        assert proc.proc is not None
        ts = str(int(time.time()))

        def signed(body: bytes, content_type: str = "application/json", timestamp: str = ts) -> tuple[int, str]:
            return proc.post(body, content_type, signed=False,
                             headers={"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": sign(body, ts)})

        answers = {
            "bad json": signed(b'{"type": "event_callback", '),
            "json array": signed(b"[1, 2]"),
            "invalid utf-8": signed(b'{"text": "\xff\xfe"}'),
            "invalid utf-8 form": signed(b"payload=%7B%22a%22%3A%22\xff%22%7D", "application/x-www-form-urlencoded"),
            "bad payload json": signed(b"payload=%7Bnope", "application/x-www-form-urlencoded"),
            "non-numeric timestamp": signed(b"{}", timestamp="12e3"),
            "stale timestamp": signed(b"{}", timestamp=str(int(time.time()) - 3600)),
            "no signature": proc.post(b'{"type": "url_verification"}', signed=False),
            "wrong signature": proc.post(b"{}", signed=False, headers={
                "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + "0" * 64}),
        }
        for name, (status, body) in answers.items():
            assert 400 <= status < 500, (name, status, body)
            assert "Traceback" not in body, name

        before = _rss_kb(proc.proc.pid)
        big = 10 * MB
        for _ in range(10):  # ten 10 MB bodies, unsigned: refused from the headers alone
            head = (f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {big}\r\n\r\n").encode()
            assert _status(_raw(proc.port, head, 160, b"x" * 65536)) == 413
        for _ in range(3):  # and chunked, with no length to refuse up front: cut off at the limit
            head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            chunk = b"10000\r\n" + b"y" * 65536 + b"\r\n"
            assert 400 <= _status(_raw(proc.port, head, 160, chunk)) < 500
        grown_mb = (_rss_kb(proc.proc.pid) - before) / 1000
        assert grown_mb < 15, f"memory grew {grown_mb:.1f} MB on refused bodies"
        assert proc.get("/healthz")[0] == 200
        assert proc.dm("U1", "help")[0] == 200  # still serving
        code, err = proc.stop()
    finally:
        proc.kill()
    assert code == 0
    assert "Traceback" not in err
