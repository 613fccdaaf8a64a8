"""Connectors from other packages, found through the `socialmon.connectors` entry-point group."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from helpers import post, run_cli, write_config, write_jsonl

from socialmon.config import ConfigError, load_config
from socialmon.plugins import ENTRY_POINT_GROUP, ConnectorRegistry
from socialmon_connectors import Connector
from socialmon_connectors.file import FileConnector

ACME_MODULE = """
from datetime import UTC, datetime

from socialmon_connectors import CommentRecord, Connector, ConnectorSettings, Page, PostRecord


class AcmeSettings(ConnectorSettings):
    greeting: str


class AcmeConnector(Connector):
    name = "acme"
    Settings = AcmeSettings
    summary = "posts from the Acme network"

    async def pages(self, cursor):
        if cursor and cursor.get("done"):
            return
        when = datetime(2026, 10, 1, 12, tzinfo=UTC)
        yield Page(
            posts=[PostRecord(platform_id="a1", text=self.settings.greeting, created_at=when)],
            comments=[
                CommentRecord(platform_id="a1-c1", post_id="a1", text="Love it!", created_at=when),
                CommentRecord(platform_id="a1-c2", post_id="a1", text="Hate it.", created_at=when),
            ],
            cursor={"done": True},
        )
"""


def install(site: Path, distribution: str, module: str, source: str, entry_points: str) -> None:
    """Lay out a package as pip would: the module and its .dist-info folder."""
    package = site / module
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}\n", encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    install(folder, "acme_socialmon", "acme_socialmon", ACME_MODULE, "acme = acme_socialmon:AcmeConnector")
    return folder


def env(site: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(site), "COLUMNS": "200"}


@pytest.mark.slow
def test_a_connector_from_another_package_is_listed(site: Path, tmp_path: Path) -> None:
    result = run_cli("connectors", env=env(site), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 2}
    assert "acme_socialmon" in rows["acme"]
    assert "posts from the Acme network" in rows["acme"]
    assert "socialmon" in rows["file"]
    assert "warning" not in result.stderr


@pytest.mark.slow
def test_a_connector_from_another_package_scans(site: Path, tmp_path: Path) -> None:
    channels = '[[brands.channels]]\nname = "acme"\nplatform = "acme"\ngreeting = "Hi from Acme"\n'
    config = write_config(tmp_path, channels=channels)
    result = run_cli("scan", "--config", str(config), env=env(site), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "cafe/acme: done, 1 new post, 2 new comments" in result.stderr
    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        [(platform, cursor)] = db.execute("select platform, cursor from channel").fetchall()
        assert (platform, json.loads(cursor)) == ("acme", {"done": True})
        assert db.execute("select platform_id, text from post").fetchall() == [("a1", "Hi from Acme")]
        assert db.execute("select platform_id, sentiment_label from comment order by 1").fetchall() == [
            ("a1-c1", "positive"),
            ("a1-c2", "negative"),
        ]
    db.close()


@pytest.mark.slow
def test_a_broken_plugin_is_a_warning_not_a_crash(site: Path, tmp_path: Path) -> None:
    install(
        site,
        "broken-socialmon",
        "broken_socialmon",
        "raise ImportError(\"No module named 'leftpad'\")\n",
        "broken = broken_socialmon:Connector",
    )
    listed = run_cli("connectors", env=env(site), cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "warning: connector 'broken' from broken-socialmon failed to load: No module named 'leftpad'" in (
        listed.stderr
    )
    assert "Traceback" not in listed.stderr
    names = [line.split("│")[1].strip() for line in listed.stdout.splitlines() if line.count("│") > 2]
    assert "acme" in names
    assert "file" in names
    assert "broken" not in names

    write_jsonl(tmp_path / "export.jsonl", [post("p1"), post("p2")])
    config = write_config(tmp_path)
    scanned = run_cli("scan", "--config", str(config), env=env(site), cwd=tmp_path)
    assert scanned.returncode == 0, scanned.stderr
    # A scan imports only the connectors its channels use: the broken one is `check`'s to report.
    assert "failed to load" not in scanned.stderr
    checked = run_cli("check", "--config", str(config), env=env(site), cwd=tmp_path)
    assert "warning: connector 'broken' from broken-socialmon failed to load" in checked.stderr
    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        assert db.execute("select count(*) from post").fetchone() == (2,)
    db.close()


# --- the registry, in-process ---------------------------------------------------------------


class Dummy(Connector):
    name = "dummy"
    summary = "nothing"

    async def pages(self, cursor):  # type: ignore[no-untyped-def,override]
        return
        yield


def test_an_explicit_registry_holds_exactly_what_it_is_given(tmp_path: Path) -> None:
    registry = ConnectorRegistry.of(FileConnector, Dummy)
    assert registry.names() == ["dummy", "file"]
    assert registry.get("dummy") is Dummy
    assert registry.get("facebook") is None
    assert registry.problems == []
    assert registry.sources == {"file": "", "dummy": ""}

    channels = '[[brands.channels]]\nname = "d"\nplatform = "dummy"\n'
    config = load_config(write_config(tmp_path, channels=channels), registry)
    brand, channel = config.select()[0]
    assert isinstance(config.resolve(brand, channel, registry).connector(), Dummy)
    with pytest.raises(ConfigError, match=r"unknown platform 'dummy' \(known: file\)"):
        load_config(write_config(tmp_path, channels=channels), ConnectorRegistry.of(FileConnector))
    with pytest.raises(ConfigError, match="none installed"):
        load_config(write_config(tmp_path, channels=channels), ConnectorRegistry.of())


def test_entry_points_that_fail_or_are_not_connectors_become_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = [
        EntryPoint("file", "socialmon_connectors.file:FileConnector", ENTRY_POINT_GROUP),
        EntryPoint("ghost", "socialmon_no_such_module:Ghost", ENTRY_POINT_GROUP),
        EntryPoint("dumps", "json:dumps", ENTRY_POINT_GROUP),
        EntryPoint("alias", "socialmon_connectors.file:FileConnector", ENTRY_POINT_GROUP),
    ]
    groups = []

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        groups.append(group)
        return found

    monkeypatch.setattr("socialmon.plugins.entry_points", fake_entry_points)
    registry = ConnectorRegistry.from_entry_points()
    assert groups == ["socialmon.connectors"]
    assert registry.names() == ["alias", "file"]  # the entry point's name is the platform's name
    assert registry.get("alias") is FileConnector
    assert len(registry.problems) == 2
    assert registry.problems[0].startswith("connector 'ghost' from ? failed to load:")
    assert "socialmon_no_such_module" in registry.problems[0]
    assert registry.problems[1] == "connector 'dumps' from ? is not a Connector subclass"


def test_the_installed_registry_has_the_built_in_file_connector() -> None:
    registry = ConnectorRegistry.from_entry_points()
    assert registry.get("file") is FileConnector
    assert registry.sources["file"] == "socialmon"
