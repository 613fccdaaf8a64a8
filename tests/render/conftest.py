"""The `seed` fixture: a tiny hand-built database on SQLite and PostgreSQL; and the sample and the
wide project (see _reports.py), each scanned once per test process for the modules that read them."""

from pathlib import Path

import pytest
from _reports import sample, wide
from analytics.seeding import seed

__all__ = ["seed"]


@pytest.fixture(scope="session")
def sample_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """config/socialmon.toml's sample, scanned: the tests only report on it (no test writes to it)."""
    return sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def wide_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three channels with long names, scanned: the tests only report on it (no test writes to it)."""
    return wide(tmp_path_factory.mktemp("wide"))
