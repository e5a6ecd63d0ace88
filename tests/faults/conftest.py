"""Fixtures for fault tests: a faulty Slack stub and a real `coach slack --http` process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.stubs import FaultyStub


@pytest.fixture
def faulty() -> Iterator[FaultyStub]:
    stub = FaultyStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coach.db'}"
