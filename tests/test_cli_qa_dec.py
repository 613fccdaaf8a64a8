"""What a QA pass found in the CLI's error handling (December): a damaged SQLite file crashed
`report` and `pending`; database errors said "cannot create the database" for a server that does
not answer, a database that does not exist or a file that may not be written; pydantic's and
tomllib's English leaked into Spanish output; `check` hid a channel's problems behind its brand's;
and `check` created the database file it said it would leave to the first scan."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from analytics.seeding import RULES, Seed, at
from analytics.seeding import seed as seed  # the fixture: SQLite and PostgreSQL
from helpers import clean_environment, copy_project, write_config, write_jsonl
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner, Result

from socialmon.analytics.responses import needs_reply, pair_first_replies
from socialmon.analytics.scope import make_scope
from socialmon.cli import app
from socialmon.cli._config_words import said
from socialmon.cli._i18n import use
from socialmon.database import Database

# A port nothing listens on, on this machine: the server refuses at once.
REFUSED = "postgresql+psycopg://shop:secret@127.0.0.1:1/shop"
DAMAGED = "restore a backup, or move it aside to start afresh"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one message, one line


def invoked(*args: str) -> Result:
    """`socialmon ARGS` in this process. Any exception but the command's own exit (a traceback)
    fails the test."""
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def run(*args: str) -> tuple[int, str]:
    """`socialmon ARGS`: its exit code and its output, one space between words."""
    result = invoked(*args)
    return result.exit_code, " ".join(result.output.split())


# --- 1. a damaged SQLite file: report and pending say so, as `check` does ---------------------


@pytest.fixture(scope="module")
def waiting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project scanned once for the module: four comments of the last day, none answered (so
    `pending` lists them all), every one on the comment table's one page."""
    folder = tmp_path_factory.mktemp("waiting")
    now = datetime.now(UTC)
    records: list[dict[str, Any]] = [
        {"type": "post", "id": "p1", "created_at": (now - timedelta(days=2)).isoformat(), "text": "post"}
    ]
    records += [
        {
            "type": "comment",
            "id": f"c{number}",
            "post_id": "p1",
            "created_at": (now - timedelta(hours=30 - number)).isoformat(),
            "author_id": f"user-{number}",
            "text": f"comment {number} is here",
        }
        for number in range(4)
    ]
    with clean_environment(folder, COLUMNS="400"):
        write_jsonl(folder / "export.jsonl", records)
        config = write_config(folder).resolve()
        assert CliRunner().invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    return folder


def damage_comment_cells(path: Path) -> None:
    """The comment table's page damaged as the tester's file was: its cells overwritten with 0xFF
    (from byte 100 to 96 bytes before the page's end), its header and the table's indexes intact.
    The indexes still list every comment, but the table no longer finds some of them by id, and
    says nothing: two queries over the file disagree without an error."""
    connection = sqlite3.connect(path)
    (root,) = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'comment'"
    ).fetchone()
    (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        assert handle.read(1) == b"\x0d"  # a leaf of the table's b-tree: its every comment on it
        handle.seek((root - 1) * page_size + 100)
        handle.write(b"\xff" * (page_size - 196))


@pytest.mark.parametrize(
    "command",
    [["pending"], ["pending", "--format", "json"], ["report"], ["report", "--format", "json"]],
    ids=" ".join,
)
def test_a_damaged_comment_page_is_said_as_check_says_it(
    tmp_path: Path, waiting: Path, command: list[str]
) -> None:
    config = copy_project(waiting, tmp_path).resolve()
    database = tmp_path / "socialmon.db"
    damage_comment_cells(database)
    code, output = run(*command, "--config", str(config))  # was: KeyError, a traceback
    assert code == 2, output
    assert f"error: the database file {database} is damaged (malformed" in output
    assert DAMAGED in output
    _code, checked = run("check", "--config", str(config))
    assert f"the database file {database} is damaged (malformed" in checked  # the same words


def test_a_damaged_comment_page_is_said_in_spanish(
    tmp_path: Path, waiting: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    config = copy_project(waiting, tmp_path).resolve()
    database = tmp_path / "socialmon.db"
    damage_comment_cells(database)
    code, output = run("pending", "--config", str(config))
    assert code == 2, output
    assert f"error: el archivo de base de datos {database} está dañado" in output
    assert "restaure una copia de seguridad" in output


def test_a_comment_gone_since_it_was_paired_is_left_out(seed: Seed) -> None:
    """A comment deleted between the pairing and the reading of its details (another process
    purged it): the others are listed, not a KeyError."""
    brand = seed.brand(timezone="UTC")
    channel = seed.channel("export")
    for number, hour in enumerate(("10:00", "11:00", "12:00")):
        seed.comment(channel, f"c{number}", f"2026-11-02 {hour}")
    window = {"since": at("2026-11-02 00:00"), "until": at("2026-11-09 00:00"), "now": at("2026-11-10 00:00")}
    scope = make_scope(seed.database, brand, RULES, **window)
    paired = pair_first_replies(seed.database, scope)
    with seed.database.write() as connection:
        connection.execute(text("DELETE FROM comment WHERE platform_id = 'c1'"))
    pending = needs_reply(seed.database, scope, paired=paired)
    assert [item.platform_id for item in pending.items] == ["c0", "c2"]


# --- 2. a database that cannot be reached or written: what is wrong, and what to do -----------


@pytest.mark.parametrize("command", [["report"], ["pending"], ["check"], ["upgrade"]])
def test_a_server_that_does_not_answer_is_said_so(tmp_path: Path, command: list[str]) -> None:
    config = write_config(tmp_path)
    code, output = run(*command, "--config", str(config), "--database", REFUSED)
    assert code == 2, output
    assert (
        "cannot connect to postgresql+psycopg://shop:***@127.0.0.1:1/shop: no PostgreSQL server answers "
        "at 127.0.0.1:1; is it running there, and is the address right?"
    ) in output
    assert "cannot create" not in output and "cannot open" not in output
    assert "secret" not in output


def test_a_server_that_does_not_answer_is_said_so_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    config = write_config(tmp_path)
    for command in (["report"], ["check"]):
        code, output = run(*command, "--config", str(config), "--database", REFUSED)
        assert code == 2, output
        assert (
            "no se puede conectar a postgresql+psycopg://shop:***@127.0.0.1:1/shop: ningún servidor "
            "PostgreSQL responde en 127.0.0.1:1; ¿está en marcha allí, y es correcta la dirección?"
        ) in output
        assert "no se puede crear" not in output


def connect_error(url: str, message: str) -> OperationalError:
    """SQLAlchemy's error for psycopg's refusal `message` while connecting to `url`, as a
    connection attempt raises it (no statement)."""
    import psycopg

    return OperationalError(None, None, psycopg.OperationalError(message))


# psycopg's words, as it says them (psycopg 3.2, libpq 17) for a server that runs and has no such database.
NO_SUCH_DATABASE = (
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "nope" '
    "does not exist"
)


def test_a_database_that_does_not_exist_is_said_with_how_to_create_it() -> None:
    database = Database("postgresql+psycopg://postgres@127.0.0.1:5432/nope")
    try:
        explained = database.explained(connect_error(database.url, NO_SUCH_DATABASE))
    finally:
        database.dispose()
    assert str(explained) == (
        "the database nope does not exist on the server at 127.0.0.1:5432: create it "
        "(`createdb -h 127.0.0.1 -p 5432 -U postgres nope`), or correct its name in the database URL"
    )
    use("es")
    try:
        assert said(str(explained)) == (
            "la base de datos nope no existe en el servidor de 127.0.0.1:5432: créela "
            "(`createdb -h 127.0.0.1 -p 5432 -U postgres nope`), o corrija su nombre en la URL de la "
            "base de datos"
        )
    finally:
        use("en")


@pytest.fixture
def missing_database(postgres_admin: Engine) -> str:
    """The test server's URL, naming a database it does not have."""
    return (
        make_url(postgres_admin.url)
        .set(database=f"missing_{uuid.uuid4().hex[:12]}")
        .render_as_string(hide_password=False)
    )


@pytest.mark.postgres
def test_a_database_the_server_does_not_have_is_said_so(tmp_path: Path, missing_database: str) -> None:
    config = write_config(tmp_path)
    name = make_url(missing_database).database
    for command in (["report"], ["check"]):
        code, output = run(*command, "--config", str(config), "--database", missing_database)
        assert code == 2, output
        assert f"the database {name} does not exist on the server at " in output
        assert "create it (`createdb" in output and f" {name}`)" in output
        assert "cannot create the database" not in output


def read_only_write_error(path: Path) -> OperationalError:
    """SQLite's refusal to write `path` opened read-only, as SQLAlchemy raises it: what a file or
    a file system that may not be written gives (root writes a chmod 444 file all the same, so
    the file is opened read-only to get the driver's real error)."""
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    try:
        with engine.connect() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
    except OperationalError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("a read-only SQLite file was written")


def test_a_read_only_database_file_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "socialmon.db"
    sqlite3.connect(path).close()
    error = read_only_write_error(path)
    assert "readonly database" in str(error.orig)  # the driver's own words
    database = Database(f"sqlite:///{path}")
    try:
        explained = database.explained(error)
    finally:
        database.dispose()
    assert str(explained) == (
        f"the database file {path} or its folder {tmp_path} is read-only: socialmon writes to both (its "
        "-wal and -shm files go beside it); give the user running socialmon permission to write them"
    )
    use("es")
    try:
        assert said(str(explained)).startswith(
            f"el archivo de base de datos {path} o su carpeta {tmp_path} es de solo lectura: socialmon "
            "escribe en ambos"
        )
    finally:
        use("en")


def test_a_database_that_cannot_be_opened_in_a_read_only_folder_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's "unable to open database file" says nothing of why: read-only is said only when the
    file or its folder may not be written (as root, only a read-only file system refuses: the
    check of the folder is stood in for)."""
    path = tmp_path / "socialmon.db"
    sqlite3.connect(path).close()
    cannot_open = sqlite3.OperationalError("unable to open database file")
    database = Database(f"sqlite:///{path}")
    try:
        assert database.explained(cannot_open) is None  # writable: nothing to say about it
        monkeypatch.setattr("socialmon.database._writable", lambda checked: checked != tmp_path)
        assert "is read-only" in str(database.explained(cannot_open))
    finally:
        database.dispose()


def test_an_existing_file_that_cannot_be_opened_is_not_said_to_be_created(tmp_path: Path) -> None:
    """A SQLite error while connecting, with a writable file: "cannot open", never "cannot create"."""
    path = tmp_path / "socialmon.db"
    sqlite3.connect(path).close()
    database = Database(f"sqlite:///{path}")
    try:
        error = OperationalError(None, None, sqlite3.OperationalError("disk I/O error"))
        assert str(database._cannot("create", error)).startswith(f"cannot open the database sqlite:///{path}")
    finally:
        database.dispose()


# --- 3. no English in Spanish output: tables written as values, tomllib's words ---------------

TABLE_AS_A_VALUE = {
    "scan": ('scan = "fast"\n', "", "campo 'scan'", "[scan]", "scan = { … }"),
    "sentiment": ('sentiment = "vader"\n', "", "campo 'sentiment'", "[sentiment]", "sentiment = { … }"),
    "alerts": ("", 'alerts = "on"\n', "campo 'alerts'", "[brands.alerts]", "alerts = { … }"),
    "business_hours": (
        "",
        'business_hours = "09:00-18:00"\n',
        "campo 'business_hours'",
        "[brands.business_hours]",
        "business_hours = { … }",
    ),
}


def config_with(folder: Path, top: str = "", brand: str = "", channels: str | None = None) -> Path:
    """A config of one Spanish brand (`write_config`'s), with `top` above its brand and `brand`
    among the brand's settings."""
    path = write_config(folder, extra=top, channels=channels)
    written = path.read_text(encoding="utf-8").replace(
        'response_sla = "2h"\n', f'response_sla = "2h"\n{brand}'
    )
    if "timezone" in brand:  # in place of the brand's own
        written = written.replace('timezone = "America/Guayaquil"\n', "", 1)
    path.write_text(written, encoding="utf-8")
    return path


@pytest.mark.parametrize("field", list(TABLE_AS_A_VALUE))
def test_a_table_written_as_a_value_is_said_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "es")
    top, brand, place, header, inline = TABLE_AS_A_VALUE[field]
    code, output = run("check", "--config", str(config_with(tmp_path, top, brand)))
    assert code == 2, output
    assert (
        f"{place}: debe ser una tabla de opciones, no un valor suelto: escríbalas debajo de una línea "
        f"{header}, o en una sola línea como {inline}"
    ) in output
    assert "Input should" not in output and "instance of" not in output and "Options" not in output


def test_a_table_written_as_a_value_is_said_in_english(tmp_path: Path) -> None:
    code, output = run("check", "--config", str(config_with(tmp_path, 'scan = "fast"\n')))
    assert code == 2, output
    assert (
        "field 'scan': must be a table of settings, not a single value: write them under a [scan] "
        "line, or inline as scan = { … }"
    ) in output
    assert "ScanOptions" not in output


def test_a_list_entry_written_as_a_value_names_its_header(tmp_path: Path) -> None:
    path = tmp_path / "socialmon.toml"
    path.write_text('brands = ["Café"]\n', encoding="utf-8")
    code, output = run("check", "--config", str(path))
    assert code == 2, output
    assert (
        "brand #1, must be a table of settings, not a single value: write each under its own [[brands]] line"
        in output
    )
    assert "BrandConfig" not in output


TOML_MISTAKES = {
    "a [[table]] line not closed": (
        '[[brands]\nname = "x"\n',
        "TOML no válido en la línea 1, columna 9: falta el ']]' que cierra la línea [[…]]",
        "TOML inválido na linha 1, coluna 9: falta o ']]' que fecha a linha [[…]]",
    ),
    "a [table] line not closed": (
        "[scan\nconcurrency = 2\n",
        "TOML no válido en la línea 1, columna 6: falta el ']' que cierra la línea de la tabla",
        "TOML inválido na linha 1, coluna 6: falta o ']' que fecha a linha da tabela",
    ),
    "a list not closed at the end": (
        "[scan]\nlimits = [1, 2\n",
        "TOML no válido al final del archivo: una lista [ ] no está cerrada: falta su ']'",
        "TOML inválido no final do arquivo: uma lista [ ] não está fechada: falta o seu ']'",
    ),
    "two settings on one line": (
        '[scan]\nconcurrency = 2 every = "1h"\n',
        "TOML no válido en la línea 2, columna 17: se esperaba el fin de la línea después de la "
        "instrucción: escriba una opción por línea",
        "TOML inválido na linha 2, coluna 17: esperava-se o fim da linha depois da instrução: escreva "
        "uma opção por linha",
    ),
    "a line that is no setting": (
        "[scan]\n* concurrency = 2\n",
        "TOML no válido en la línea 2, columna 1: instrucción no válida: cada línea es nombre = valor, "
        "una línea [tabla] o un comentario (#)",
        "TOML inválido na linha 2, coluna 1: instrução inválida: cada linha é nome = valor, uma linha "
        "[tabela] ou um comentário (#)",
    ),
}


@pytest.mark.parametrize("mistake", list(TOML_MISTAKES))
@pytest.mark.parametrize("language", ["es", "pt"])
def test_tomllib_words_are_said_in_the_clis_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mistake: str, language: str
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", language)
    written, spanish, portuguese = TOML_MISTAKES[mistake]
    path = tmp_path / "socialmon.toml"
    path.write_text(written, encoding="utf-8")
    code, output = run("check", "--config", str(path))
    assert code == 2, output
    assert (spanish if language == "es" else portuguese) in output
    assert "Expected" not in output and "Unclosed" not in output and "Invalid" not in output


def test_tomllib_words_stay_english_in_english(tmp_path: Path) -> None:
    """English keeps tomllib's words; a mistake at the end of the file says so (it said "invalid
    TOML: Unclosed array (at end of document)", which no catalogue entry could take)."""
    path = tmp_path / "socialmon.toml"
    path.write_text('[[brands]\nname = "x"\n', encoding="utf-8")
    code, output = run("check", "--config", str(path))
    assert code == 2, output
    assert "invalid TOML on line 1, column 9: Expected ']]' at the end of an array declaration" in output
    path.write_text("[scan]\nlimits = [1, 2\n", encoding="utf-8")
    code, output = run("check", "--config", str(path))
    assert code == 2, output
    assert "invalid TOML at the end of the file: Unclosed array" in output


# --- 4. `check` lists a channel's problems with its brand's -----------------------------------

# The README's example: a brand's wrong time zone, two brands sharing a slug, a misspelt platform
# and a channel's missing `path`, listed together.
README_EXAMPLE = """database = "socialmon.db"

[[brands]]
name = "A"
slug = "dup"
timezone = "Mars/Base"

[[brands.channels]]
platform = "fiel"

[[brands.channels]]
name = "e"
platform = "file"
account = "x"

[[brands]]
name = "B"
slug = "dup"
timezone = "UTC"

[[brands.channels]]
name = "export"
platform = "file"
account = "y"
path = "export.jsonl"
"""


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("config error:", "problem:"))]


def checked(path: Path) -> tuple[int, str]:
    """`socialmon check` on `path`: its exit code and its output line by line."""
    result = invoked("check", "--config", str(path))
    return result.exit_code, result.output


def test_the_readme_example_is_listed_in_one_run(tmp_path: Path) -> None:
    path = tmp_path / "socialmon.toml"
    path.write_text(README_EXAMPLE, encoding="utf-8")
    (tmp_path / "export.jsonl").write_text("", encoding="utf-8")
    code, output = checked(path)
    assert code == 2
    lines = problem_lines(output)
    assert any("brand 'dup', field 'timezone': unknown time zone 'Mars/Base'" in line for line in lines), (
        output
    )
    assert any("field 'slug': two brands share the slug 'dup'" in line for line in lines), output
    assert any(
        "channel 'fiel', field 'platform': unknown platform 'fiel'; did you mean 'file'?" in line
        for line in lines
    )
    assert any("brand 'dup', channel 'e', field 'path': required but missing" in line for line in lines), (
        output
    )
    assert len(lines) == 4, output  # each once
    assert "all valid" not in output


BASE_CHANNEL = '[[brands.channels]]\nname = "export"\nplatform = "file"\naccount = "Café"\n'


@pytest.mark.parametrize(
    ("brand", "brand_problem"),
    [
        ('timezone = "Mars/Base"\n', "field 'timezone': unknown time zone 'Mars/Base'"),
        (
            'lenguage = "es"\n',
            "field 'lenguage': unknown option (check the spelling); did you mean 'language'?",
        ),
    ],
    ids=["a wrong time zone", "an unknown brand key"],
)
def test_a_brand_problem_hides_none_of_the_channels(tmp_path: Path, brand: str, brand_problem: str) -> None:
    """A wrong time zone, or a misspelt brand key, hid the channel's missing export file, its
    unknown option, its unset ${NOPE} and the unknown scorer: each is said now, in one run."""
    channels = BASE_CHANNEL + 'path = "nofile.csv"\nfoo = 1\naccess_token = "${SOCIALMON_TEST_NOPE}"\n'
    path = config_with(tmp_path, '[sentiment]\nscorer = "bert"\n', brand, channels)
    code, output = checked(path)
    assert code == 2
    lines = " ".join(" ".join(problem_lines(output)).split())
    assert brand_problem in lines, output
    channel = "brand 'cafe', channel 'export'"
    assert f"{channel}, field 'path': export file not found: {tmp_path / 'nofile.csv'}" in lines, output
    assert f"{channel}, field 'foo': unknown option (check the spelling)" in lines, output
    assert f"{channel}, field 'access_token': environment variable SOCIALMON_TEST_NOPE is not set" in lines
    assert "field 'sentiment.scorer': unknown scorer 'bert'" in lines, output
    assert len(problem_lines(output)) == 5, output


def test_a_misspelt_platform_of_a_brand_with_problems_is_said_once(tmp_path: Path) -> None:
    """A brand written without a slug is named by its name in the file's own problems and by its
    slug in its channels': the misspelt platform is one problem, and the other channel's missing
    path is said with it."""
    channels = (
        '[[brands.channels]]\nname = "export"\nplatform = "fiel"\naccount = "Café"\npath = "export.jsonl"\n'
        + BASE_CHANNEL.replace('"export"', '"other"')
    )
    path = config_with(tmp_path, brand='timezone = "Mars/Base"\n', channels=channels)
    path.write_text(path.read_text(encoding="utf-8").replace('slug = "cafe"\n', ""), encoding="utf-8")
    code, output = checked(path)
    assert code == 2
    lines = problem_lines(output)
    assert [line for line in lines if "unknown platform 'fiel'" in line] == [
        next(line for line in lines if "brand 'Café Uno', channel 'export', field 'platform'" in line)
    ], output
    assert any(
        "brand 'cafe-uno', channel 'other', field 'path': required but missing" in line for line in lines
    )
    assert len(lines) == 3, output  # and the time zone


def test_a_wrong_language_of_the_scorer_hides_no_unknown_scorer(tmp_path: Path) -> None:
    path = config_with(tmp_path, '[sentiment]\nscorer = "bert"\nlanguages = ["es", "fr"]\n')
    (tmp_path / "export.jsonl").write_text("", encoding="utf-8")
    code, output = checked(path)
    assert code == 2
    lines = " ".join(" ".join(problem_lines(output)).split())
    assert "field 'sentiment.languages.1':" in lines, output
    assert "field 'sentiment.scorer': unknown scorer 'bert'" in lines, output


def test_a_missing_path_is_said_with_a_wrong_time_zone(tmp_path: Path) -> None:
    path = config_with(tmp_path, brand='timezone = "Mars/Base"\n', channels=BASE_CHANNEL)
    code, output = checked(path)
    assert code == 2
    lines = problem_lines(output)
    assert any("field 'timezone': unknown time zone 'Mars/Base'" in line for line in lines), output
    assert any("brand 'cafe', channel 'export', field 'path': required but missing" in line for line in lines)
    # Only `check` goes on from a file that does not validate: a report is refused with its problems.
    code, output = run("report", "--config", str(path))
    assert code == 2
    assert "Mars/Base" in output and "field 'path'" not in output


# --- 5. `check` creates no database file ------------------------------------------------------


def test_check_leaves_a_new_database_to_the_first_scan(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    (tmp_path / "export.jsonl").write_text("", encoding="utf-8")
    code, output = run("check", "--config", str(config))
    assert code == 0, output
    assert "new (created on the first scan)" in output
    assert not (tmp_path / "socialmon.db").exists()  # was: an empty file of 4096 bytes


def test_check_says_a_new_database_cannot_be_created_in_a_read_only_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path)
    (tmp_path / "export.jsonl").write_text("", encoding="utf-8")
    # Root writes any folder: only a read-only file system would refuse it; its check stood in for.
    monkeypatch.setattr("socialmon.database._writable", lambda checked: checked != tmp_path)
    code, output = run("check", "--config", str(config))
    assert code == 2, output
    assert (
        f"problem: the database file {tmp_path / 'socialmon.db'} or its folder {tmp_path} is read-only"
        in output
    )
    assert not (tmp_path / "socialmon.db").exists()


def test_check_says_an_existing_database_file_is_read_only(
    tmp_path: Path, waiting: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only file reads well (its schema, its pages) and fails the first write of a scan:
    `check` says so first."""
    config = copy_project(waiting, tmp_path).resolve()
    database = tmp_path / "socialmon.db"
    # Root writes a chmod 444 file all the same: the check of the file is stood in for.
    monkeypatch.setattr("socialmon.database._writable", lambda checked: checked != database)
    code, output = run("check", "--config", str(config))
    assert code == 2, output
    assert f"problem: the database file {database} or its folder {tmp_path} is read-only" in output
    assert "all valid" not in output
