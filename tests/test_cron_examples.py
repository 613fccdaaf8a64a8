"""The README's cron and systemd examples run as written (issue 14, point 7).

The examples are read from the README itself, so the two cannot drift: the crontab's lines are
run as cron runs them (`SHELL=/bin/sh`, `PATH=/usr/bin:/bin`, only HOME and LOGNAME besides),
with a fake `socialmon` at the documented install path that records its arguments, and the
units are checked with `systemd-analyze verify` where it is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import REPO

SECTION = "### Running it from cron or systemd"
INSTALLED = ".local/bin/socialmon"  # where `pipx install .` and `uv tool install .` put the command
CRON_ENV = {"SHELL": "/bin/sh", "PATH": "/usr/bin:/bin"}  # what cron gives a job, besides HOME and LOGNAME


def section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start)
    return text[start : end if end != -1 else len(text)]


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", section(), flags=re.DOTALL | re.MULTILINE)


def crontab() -> tuple[dict[str, str], list[str]]:
    """(the crontab's variables, the command of each entry)."""
    (text,) = blocks("cron")
    variables: dict[str, str] = {}
    commands = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assignment = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", line)
        if assignment:
            variables[assignment.group(1)] = assignment.group(2)
            continue
        fields = line.split(None, 5)
        assert len(fields) == 6, f"not a crontab entry: {line!r}"
        commands.append(fields[5])
    return variables, commands


def env_example() -> str:
    """The README's example env file: the sh block that sets SMTP_PASSWORD."""
    (text,) = [block for block in blocks("sh") if "SMTP_PASSWORD=" in block]
    return text


def units() -> dict[str, str]:
    found = {}
    for block in blocks("ini"):
        first, _, rest = block.partition("\n")
        name = first.removeprefix("#").strip()
        assert re.fullmatch(r"socialmon-[a-z]+\.(service|timer)", name), first
        found[name] = rest
    return found


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with the env file from the README and a fake `socialmon` at the install path.

    The fake appends one line per run to ~/calls: its arguments and the SMTP password it was
    given; `scan` exits 1 (a channel failed), everything else 0.
    """
    home = tmp_path / "home"
    (home / ".config" / "socialmon").mkdir(parents=True)
    env_file = home / ".config" / "socialmon" / "env"
    env_file.write_text(env_example(), encoding="utf-8")
    env_file.chmod(0o600)
    fake = home / INSTALLED
    fake.parent.mkdir(parents=True)
    fake.write_text(
        '#!/bin/sh\nprintf \'%s|%s\\n\' "$*" "$SMTP_PASSWORD" >> "$HOME/calls"\n'
        'if [ "$1" = scan ]; then exit 1; fi\nexit 0\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    return home


def run_as_cron(command: str, home: Path) -> subprocess.CompletedProcess[str]:
    variables, _ = crontab()
    env = {**CRON_ENV, "HOME": str(home), "LOGNAME": "owner", **variables}
    return subprocess.run(
        [env["SHELL"], "-c", command], env=env, cwd=home, capture_output=True, text=True, timeout=30
    )


def calls(home: Path) -> list[tuple[str, str]]:
    path = home / "calls"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [tuple(line.split("|", 1)) for line in lines]  # type: ignore[misc]


def test_the_readme_installs_socialmon_where_the_examples_run_it() -> None:
    install = next(block for block in blocks("sh") if "install" in block)
    assert "pipx install ." in install and "uv tool install ." in install
    assert f"~/{INSTALLED}" in install
    _, commands = crontab()
    for command in commands:
        runs = re.findall(r"(\S*socialmon\"?)\s+(?:scan|alerts)", command)
        assert runs and all(run == f'"$HOME/{INSTALLED}"' for run in runs), command
    for name, text in units().items():
        for line in text.splitlines():
            if line.startswith("ExecStart="):
                assert line.removeprefix("ExecStart=").lstrip("-").startswith(f"%h/{INSTALLED} "), (
                    name,
                    line,
                )


def test_the_env_file_is_written_so_that_sh_and_systemd_read_the_same_values() -> None:
    for line in env_example().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        # NAME='value' with no quote inside: both sh and systemd's EnvironmentFile= take it verbatim.
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*='[^']*'", line), line
    assert "$$" in env_example()  # the example shows the case that an unquoted value mangles


@pytest.mark.slow
def test_the_crontab_runs_under_crons_path_and_sends_alerts_when_the_scan_fails(home: Path) -> None:
    variables, commands = crontab()
    assert variables.get("SHELL", "/bin/sh") == "/bin/sh"
    assert shutil.which("socialmon", path=CRON_ENV["PATH"]) is None  # only the installed path can work
    daily = next(command for command in commands if " scan " in command)
    for command in commands:
        assert "%" not in command  # cron turns % into a newline
    config = f"{home}/socialmon/socialmon.toml"
    password = 'pa$$word "with" #symbols'

    result = run_as_cron(daily, home)
    assert result.returncode == 0, result.stderr  # the alert run's code: it ran although the scan exited 1
    assert result.stderr == ""
    assert calls(home) == [
        (f"scan --quiet --config {config}", password),
        (f"alerts send --quiet --config {config}", password),
    ]

    (home / "calls").unlink()
    every_15_minutes = next(command for command in commands if " scan " not in command)
    assert run_as_cron(every_15_minutes, home).returncode == 0
    assert calls(home) == [(f"alerts send --quiet --config {config}", password)]


def test_the_systemd_scan_unit_sends_alerts_after_a_failed_scan() -> None:
    scan = units()["socialmon-scan.service"]
    starts = [line for line in scan.splitlines() if line.startswith("ExecStart=")]
    assert len(starts) == 2 and "Type=oneshot" in scan
    assert starts[0].startswith("ExecStart=-") and " scan " in starts[0]  # its exit 1 does not stop the unit
    assert " alerts send " in starts[1]
    assert set(units()) == {
        "socialmon-scan.service",
        "socialmon-scan.timer",
        "socialmon-alerts.service",
        "socialmon-alerts.timer",
    }


@pytest.mark.slow
def test_the_systemd_units_verify(home: Path, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    folder = tmp_path / "units"
    folder.mkdir()
    for name, text in units().items():
        (folder / name).write_text(text, encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
    }
    result = subprocess.run(
        [analyze, "--user", "verify", *sorted(str(path) for path in folder.iterdir())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = result.stdout + result.stderr
    if "Failed to initialize manager" in said or "Failed to lookup RuntimeDirectory" in said:
        pytest.skip(f"systemd-analyze cannot run a user manager here: {said.strip()}")
    assert result.returncode == 0, said
    assert str(folder) not in said, said  # no warning about any line (an unknown key, a bad value)
