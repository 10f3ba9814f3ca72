"""What the tests marked ``serving`` share: the harness of bench/_serving.py, and where
PostgreSQL and Redis are."""

import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import _serving  # noqa: E402  (bench/_serving.py: starts the servers)


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("tests marked serving need DATABASE_URL=postgres://… (as .ci/run sets)")
    return url


def redis_url() -> str:
    """The Redis database these tests may flush (SERVING_REDIS_URL; 15 by default)."""
    return os.environ.get("SERVING_REDIS_URL", "redis://127.0.0.1:6379/15")


__all__ = ["_serving", "postgres_url", "redis_url"]
