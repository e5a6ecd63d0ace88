"""`coach slack --http` as a real process on 127.0.0.1, driven with signed requests like Slack's."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from tests.adapters.slack.conftest import SECRET, TEAM, sign

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class CoachProcess:
    api: str
    db_url: str
    folder: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    socket_mode: bool = False
    """`coach slack --health-port PORT` (Socket Mode, /healthz on PORT) instead of `coach slack --http`."""
    pid1: bool = False
    """Run as PID 1 of a new PID namespace (`unshare`), as the process is in a container without an init."""
    proc: subprocess.Popen[str] | None = None
    _n: Any = field(default_factory=lambda: count(1))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "COACH_", "LOG_"))}
        return {**keep, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_BASE_URL": self.api, "DATABASE_URL": self.db_url,
                "COACH_INBOX_DIR": str(self.folder / "inbox"), "XDG_DATA_HOME": str(self.folder / "data"),
                "SLACK_APP_TOKEN": "xapp-test", "NO_PROXY": "*", **self.extra_env}

    def start(self, *, wait: bool = True) -> CoachProcess:
        mode = ["--health-port", str(self.port)] if self.socket_mode else ["--http", "--port", str(self.port)]
        command = [sys.executable, "-m", "exit_coach.adapters.cli", "slack", *mode]
        if self.pid1:
            command = ["unshare", "--pid", "--fork", *command]
        self.proc = subprocess.Popen(
            command,
            env=self.env(), cwd=self.folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        if wait:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                assert self.proc.poll() is None, self.proc.communicate()
                try:
                    if self.get("/healthz")[0] == 200:
                        return self
                except OSError:
                    pass
                time.sleep(0.05)
            raise AssertionError("coach slack --http did not start")
        return self

    @property
    def coach_pid(self) -> int:
        """The coach process itself (with `pid1`, unshare's child: PID 1 inside its namespace)."""
        assert self.proc is not None
        if not self.pid1:
            return self.proc.pid
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return int(children[0])

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 40) -> tuple[int, str]:
        assert self.proc is not None
        os.kill(self.coach_pid, sig)
        _, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, err

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()

    def get(self, path: str) -> tuple[int, str]:
        try:
            with _NO_PROXY.open(self.url + path, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def post(self, body: bytes, content_type: str = "application/json", *, headers: dict[str, str] | None = None,
             signed: bool = True) -> tuple[int, str]:
        ts = str(int(time.time()))
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(body, ts)}
        all_headers |= headers or {}
        request = urllib.request.Request(self.url + "/slack/events", data=body, headers=all_headers, method="POST")
        try:
            with _NO_PROXY.open(request, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def dm(self, user: str, text: str, *, event_id: str | None = None) -> tuple[int, str]:
        n = next(self._n)
        event = {"type": "message", "channel_type": "im", "channel": "D" + user, "user": user, "text": text,
                 "ts": f"1700001111.{n:06d}", "team": TEAM}
        body = {"token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback", "event": event,
                "event_id": event_id or f"Ev{user}x{n}", "event_time": int(time.time())}
        return self.post(json.dumps(body).encode())
