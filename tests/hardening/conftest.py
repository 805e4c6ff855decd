"""Fixtures for the hardening tests; the session's observations go to results.json at the end."""

from __future__ import annotations

import pytest

from kgbuild.config import SERVERS

from . import observations
from .serving import start_server, stop_server

_failed: list[str] = []


def pytest_runtest_logreport(report) -> None:
    if report.failed and "tests/hardening/" in report.nodeid.replace("\\", "/"):
        _failed.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus) -> None:
    if not _failed:  # a failing hardening test's rows would describe a protection that did not hold
        observations.write_results()


@pytest.fixture(scope="session", params=SERVERS)
def server_kind(request) -> str:
    """Each HTTP server `kgbuild serve` can run: every protection must hold under each."""
    return request.param


@pytest.fixture(scope="session")
def guarded(built, tmp_path_factory, server_kind):
    """The production server over the curated build, with small limits (serving.TEST_LIMITS)."""
    running = start_server(built, tmp_path_factory.mktemp(f"guarded-{server_kind}") / "server.log",
                           server=server_kind)
    try:
        yield running
    finally:
        stop_server(running.process)
