"""Helpers for building export files and configs, and for running the real CLI."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def write_jsonl(path: Path, records: list[dict[str, Any]], mode: str = "w") -> Path:
    with path.open(mode, encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def post(pid: str, **fields: Any) -> dict[str, Any]:
    return {"type": "post", "id": pid, "created_at": "2026-10-01T12:00:00Z", "text": f"post {pid}", **fields}


def comment(cid: str, post_id: str = "p1", **fields: Any) -> dict[str, Any]:
    return {
        "type": "comment",
        "id": cid,
        "post_id": post_id,
        "created_at": "2026-10-01T13:00:00Z",
        "author_id": f"user-{cid}",
        "text": f"comment {cid}",
        **fields,
    }


def threaded_export(path: Path, posts: int, comments: int) -> Path:
    """A JSON Lines export of `posts` posts and `comments` comments spread over them, a third of
    them negative and every fifth one a reply to the comment before it."""
    records = [post(f"p{i}") for i in range(posts)]
    records += [
        comment(
            f"c{i}",
            post_id=f"p{i % posts}",
            text=("great coffee, love it" if i % 3 else "cold food and rude staff, never again") + f" #{i}",
            parent_id=f"c{i - 1}" if i % 5 == 4 else None,
        )
        for i in range(comments)
    ]
    return write_jsonl(path, records)


def write_config(
    folder: Path, *, database: str | None = None, channels: str | None = None, extra: str = ""
) -> Path:
    """A config with one brand; `channels` is raw TOML for its [[brands.channels]] blocks."""
    if channels is None:
        channels = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
    database_line = f'database = "{database}"\n' if database else 'database = "socialmon.db"\n'
    body = (
        f"{database_line}{extra}\n"
        '[[brands]]\nname = "Café Uno"\nslug = "cafe"\ntimezone = "America/Guayaquil"\nlanguage = "es"\n'
        'response_sla = "2h"\n\n'
        f"{channels}"
    )
    path = folder / "socialmon.toml"
    path.write_text(body, encoding="utf-8")
    return path


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `socialmon` command in a subprocess."""
    command = [sys.executable, "-m", "socialmon", *args]
    # SOCIALMON_LANG and SOCIALMON_MODELS_AHEAD are the tests' own (see conftest.py), never the developer's.
    kept = ("SOCIALMON_LANG", "SOCIALMON_MODELS_AHEAD")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_") or k in kept}
    full_env.update(env or {})
    return subprocess.run(command, capture_output=True, text=True, env=full_env, cwd=cwd, timeout=timeout)


@contextlib.contextmanager
def clean_environment(project: Path, **variables: str) -> Iterator[None]:
    """The environment conftest.py's `clean_environ` gives each test, for a fixture shared by several
    that works on the project in `project`: its data and cache folders (such as the holiday dates'
    cache) in a folder beside it, `<project>-env`, which a copy of the project leaves behind."""
    import pytest

    folder = project.parent / f"{project.name}-env"
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("SOCIALMON_"):
                patch.delenv(name)
        patch.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))
        patch.setenv("XDG_CACHE_HOME", str(folder / "xdg-cache"))
        patch.setenv("SOCIALMON_LANG", "en")
        patch.setenv("SOCIALMON_MODELS_AHEAD", "0")
        patch.setenv("LANGUAGE", "en")
        for name, value in variables.items():
            patch.setenv(name, value)
        yield


def run_in_process(*args: str) -> Any:
    """`socialmon ARGS` in this process (typer's CliRunner): any exception but the command's own
    exit fails the test, so a traceback is never taken for a refusal."""
    from typer.testing import CliRunner

    from socialmon.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def scanned_project(folder: Path, records: list[dict[str, Any]], *then: list[str]) -> Path:
    """A project in `folder` (`records` in export.jsonl, `write_config`'s config) scanned once, then
    each command of `then` run on it, in the clean environment a fixture shared by a module needs:
    its config. Each test then works on a copy (`copy_project`)."""
    with clean_environment(folder, COLUMNS="200"):
        write_jsonl(folder / "export.jsonl", records)
        config = write_config(folder).resolve()
        for command in (["scan", "-q"], *then):
            result = run_in_process(*command, "--config", str(config))
            assert result.exit_code == 0, result.output
    return config


def copy_project(template: Path, folder: Path) -> Path:
    """A copy, in `folder`, of a project scanned once for a whole module (config, exports, database)."""
    shutil.copytree(template, folder, dirs_exist_ok=True)
    return folder / "socialmon.toml"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with the openssl command (its own CA). A P-256 key: an
    RSA-2048 one took 0.2-0.5 s of CPU to make, this 5 ms, and TLS verifies either alike."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key
