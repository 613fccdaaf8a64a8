"""Ctrl-C during `scan` ends it with exit 130 and says what became of the data.

Each page is stored with its cursor in one transaction, so what was stored stands and the next
scan goes on from there (tests/test_signals.py proves it for SIGTERM, which stops between pages).
Ctrl-C ended the scan with exit 130 and nothing printed: the user could not tell whether the
channel was left broken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import write_config, write_jsonl
from sqlalchemy import select
from typer.testing import CliRunner

from socialmon import scan as scanning
from socialmon.cli import app
from socialmon.database import open_database
from socialmon.tables import CHANNEL, SCAN_RUN


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "interrupted: Ctrl-C: what was stored stays; the next scan goes on from there"),
        ("es", "interrumpido: Ctrl-C: lo guardado se conserva; el próximo escaneo sigue desde ahí"),
    ],
)
def test_ctrl_c_during_a_scan_exits_130_saying_the_stored_data_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str
) -> None:
    write_jsonl(tmp_path / "export.jsonl", [{"type": "post", "id": "p1", "created_at": "today-1d 09:00"}])
    config = write_config(tmp_path)

    async def pressed_ctrl_c(channels: Any, store: Any, **__: Any) -> Any:
        row = store.sync_channel(channels[0].brand, channels[0].channel)
        store.begin_run(row.id)  # a channel's scan had begun
        raise KeyboardInterrupt  # as asyncio.run raises it once SIGINT cancelled the scan

    monkeypatch.setattr(scanning, "run_scan", pressed_ctrl_c)
    result = CliRunner().invoke(app, ["scan", "--config", str(config)], env={"SOCIALMON_LANG": lang})
    assert result.exit_code == 130, result.output
    assert expected in " ".join(result.output.split())
    assert "Traceback" not in result.output
    # Its run is recorded as partial, and the channel's last scan with it (it stayed "running", and
    # the report said "last scan: never" until the next scan called it killed).
    database = open_database(f"sqlite:///{tmp_path / 'socialmon.db'}")
    try:
        with database.read() as connection:
            runs = connection.execute(select(SCAN_RUN.c.status, SCAN_RUN.c.error)).all()
            channel = connection.execute(select(CHANNEL.c.last_status, CHANNEL.c.last_error)).one()
    finally:
        database.dispose()
    assert [status for status, _ in runs] == ["partial"], runs
    assert tuple(channel) == ("partial", "stopped by Ctrl-C; the next scan resumes there")
