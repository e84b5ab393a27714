"""What some tests need from the machine: skipped on a developer's machine without it,
failed in CI (CI=true), where everything must be there and a skip would hide a gap."""

import os
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def missing(what: str) -> None:
    """Skip for want of ``what``, or fail in CI."""
    if in_ci():
        pytest.fail(f"{what} is missing: CI must run this test.")
    pytest.skip(f"{what} is not on this machine")


def require_redis(url: str) -> None:
    """Redis answering at ``url``, or skip (fail in CI)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        missing(f"Redis at {url}")


def require_path(path: Path, what: str) -> Path:
    if not path.exists():
        missing(f"{what} ({path})")
    return path
