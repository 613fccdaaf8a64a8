"""`--database` overrides the config's `database` setting, so a setting it overrides is not judged:
a `${ENV}` reference to a variable that is not set refused every command, `--database` or not,
where $SOCIALMON_DATABASE already stood in for it. Without either, the reference is still refused,
naming the file, the field and the variable, in the CLI's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import comment, post, run_in_process, write_config, write_jsonl

from socialmon.config import ConfigError, load_config, read_config

UNSET = "NO_SUCH_DB_URL"

# The problem as each language says it (socialmon/cli/_config_words.py and the catalogs).
SAID = {
    "en": "config error: {path}: field 'database': environment variable NO_SUCH_DB_URL is not set",
    "es": "error de configuración: {path}: campo 'database': la variable de entorno NO_SUCH_DB_URL no "
    "está definida",
    "pt": "erro de configuração: {path}: campo 'database': a variável de ambiente NO_SUCH_DB_URL não "
    "está definida",
}


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.delenv(UNSET, raising=False)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A project whose config names its database by a variable that is not set."""
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1"),
            comment("c1", text="great coffee, love it"),
            comment("c2", text="cold food, never again"),
        ],
    )
    return write_config(tmp_path, database="${" + UNSET + "}").resolve()


def run(*args: str) -> tuple[int, str]:
    result = run_in_process(*args)
    return result.exit_code, " ".join(result.output.split())


def stored_comments(config: Path, *database: str) -> int:
    """The comments `report --format json` counts in the database given (`--database URL`, or none)."""
    code, output = run("report", "--config", str(config), *database, "--format", "json")
    assert code == 0, output
    return sum(channel["comments"] for channel in json.loads(output)["channels"])


def test_check_passes_with_database_given(config: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'given.db'}"
    code, output = run("check", "--config", str(config), "--database", url)
    assert code == 0, output
    assert f"config {config}: 1 brand, 1 channel, all valid" in output
    assert f"database {url}: new (created on the first scan)" in output
    # The file's own setting, which --database stands in for: a warning, and the check passes.
    unused = SAID["en"].format(path=config).removeprefix("config error: ")
    assert f"warning: {unused} (not used here: --database or SOCIALMON_DATABASE stands in for it)" in output


def test_check_warns_of_the_files_own_setting_in_the_brands_language(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    monkeypatch.setenv("SOCIALMON_DATABASE", f"sqlite:///{tmp_path / 'from-environment.db'}")
    code, output = run("check", "--config", str(config))
    assert code == 0, output
    unused = SAID["es"].format(path=config).removeprefix("error de configuración: ")
    assert f"advertencia: {unused} (no se usa aquí: --database o SOCIALMON_DATABASE lo sustituye)" in output


def test_scan_and_report_use_the_database_given(config: Path, tmp_path: Path) -> None:
    given = tmp_path / "given.db"
    url = f"sqlite:///{given}"
    code, output = run("scan", "-q", "--config", str(config), "--database", url)
    assert code == 0, output
    assert UNSET not in output
    assert given.is_file()
    assert stored_comments(config, "--database", url) == 2
    # Nothing was written under the reference taken for a file name.
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix == ".db") == ["given.db"]
    code, output = run("check", "--config", str(config), "--database", url)
    assert code == 0, output
    assert f"database {url}: schema " in output


@pytest.mark.parametrize(
    "command",
    [
        ["pending"],
        ["alerts", "list"],
        ["alerts", "check"],
        ["upgrade"],
        ["rescore"],
        ["export-labels"],
        ["label", "c1", "positive"],
        ["report", "trends"],
    ],
    ids=" ".join,
)
def test_every_command_with_database_given_runs(config: Path, tmp_path: Path, command: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'given.db'}"
    code, output = run("scan", "-q", "--config", str(config), "--database", url)
    assert code == 0, output
    code, output = run(*command, "--config", str(config), "--database", url)
    assert code == 0, output
    assert UNSET not in output


@pytest.mark.parametrize("command", [["worker"], ["workers", "status"], ["workers", "migrate"]], ids=" ".join)
def test_worker_commands_with_database_given_judge_that_database(
    config: Path, tmp_path: Path, command: list[str]
) -> None:
    """Past the config, to the database given: SQLite, which worker mode refuses for itself."""
    code, output = run(*command, "--config", str(config), "--database", f"sqlite:///{tmp_path / 'given.db'}")
    assert code == 2
    assert "worker mode needs PostgreSQL" in output
    assert UNSET not in output


@pytest.mark.parametrize("language", ["en", "es", "pt"])
@pytest.mark.parametrize("command", [["check"], ["scan"], ["report"]], ids=" ".join)
def test_without_database_given_the_reference_is_refused(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], language: str
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", language)
    code, output = run(*command, "--config", str(config))
    assert code == 2
    assert SAID[language].format(path=config) in output
    assert not any(path.suffix == ".db" for path in tmp_path.iterdir())


def test_an_empty_database_option_is_no_database_given(config: Path) -> None:
    """`--database ""` (an unset variable in a script: `--database "$URL"`) names no database, as
    `Config.database_url` reads it: the file's setting is judged."""
    code, output = run("check", "--config", str(config), "--database", "")
    assert code == 2
    assert SAID["en"].format(path=config) in output


def test_socialmon_database_still_stands_in(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = tmp_path / "from-environment.db"
    monkeypatch.setenv("SOCIALMON_DATABASE", f"sqlite:///{given}")
    code, output = run("check", "--config", str(config))
    assert code == 0, output
    code, output = run("scan", "-q", "--config", str(config))
    assert code == 0, output
    assert given.is_file()
    assert stored_comments(config) == 2


def test_the_option_wins_over_socialmon_database(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_DATABASE", f"sqlite:///{tmp_path / 'from-environment.db'}")
    url = f"sqlite:///{tmp_path / 'given.db'}"
    code, output = run("scan", "-q", "--config", str(config), "--database", url)
    assert code == 0, output
    assert (tmp_path / "given.db").is_file()
    assert not (tmp_path / "from-environment.db").exists()


def test_load_config_and_its_url_read_the_same_override(config: Path, tmp_path: Path) -> None:
    """The check `load_config` skips for a database given is the one `database_url` skips for it:
    the config loaded with an override gives that URL, and still refuses the file's setting."""
    url = f"sqlite:///{tmp_path / 'given.db'}"
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert [str(problem) for problem in refused.value.problems] == [
        f"{config}: field 'database': environment variable {UNSET} is not set"
    ]
    loaded = load_config(config, database=url)
    assert loaded.database_url(url) == url
    with pytest.raises(ConfigError) as unread:
        loaded.database_url()
    assert [str(problem) for problem in unread.value.problems] == [
        str(problem) for problem in refused.value.problems
    ]
    assert read_config(config, database=url)[1] == []
    assert read_config(config, database="")[1] == refused.value.problems
