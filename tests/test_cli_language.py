"""The CLI speaks the brand's language: messages, table headers and `--help` in English or Spanish.

The order: `--lang`, $SOCIALMON_LANG, the brand's `language` (one brand, or brands sharing one),
the locale (LC_ALL, LC_MESSAGES, LANG), English. conftest.py pins SOCIALMON_LANG=en for the
other tests; these unset it where they test what comes after it.
"""

from __future__ import annotations

import functools
import gettext
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from helpers import REPO, comment, post, run_cli, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import _i18n, app

CLI_DIR = REPO / "socialmon" / "cli"
LOCALE = REPO / "socialmon" / "locale"
PO = LOCALE / "es" / "LC_MESSAGES" / "messages.po"
MO = LOCALE / "es" / "LC_MESSAGES" / "messages.mo"
TYPE_TAGS = ("<bool>", "<str>", "<int", "<float", "<path>", "<file>", "<list", "<text>")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def project(folder: Path, *, language: str = "es", extra_brand: str = "") -> Path:
    write_jsonl(
        folder / "export.jsonl",
        [post("p1", author_id="biz"), comment("c1", text="Excelente atención, gracias")],
    )
    path = write_config(folder)
    text = path.read_text(encoding="utf-8").replace('language = "es"', f'language = "{language}"')
    path.write_text(text + extra_brand, encoding="utf-8")
    return path.resolve()


def scan(cli: CliRunner, config: Path, *args: str) -> str:
    result = cli.invoke(app, ["scan", "--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.output


# --- choosing the language -----------------------------------------------------------------


def test_the_scan_summary_speaks_the_brands_spanish(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    output = scan(cli, project(tmp_path))
    for words in ("Resumen del escaneo", "publicaciones nuevas", "comentarios nuevos", "estado"):
        assert words in output
    assert "Scan summary" not in output and "new posts" not in output


def test_the_scan_summary_speaks_english_for_an_english_brand_whatever_the_locale(
    tmp_path: Path, cli: CliRunner, no_choice
) -> None:
    no_choice.setenv("LANG", "es_EC.UTF-8")
    output = scan(cli, project(tmp_path, language="en"))
    assert "Scan summary" in output and "new posts" in output and "new comments" in output


def test_socialmon_lang_outranks_the_brand(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    no_choice.setenv("SOCIALMON_LANG", "en")
    output = scan(cli, project(tmp_path))
    assert "Scan summary" in output and "Resumen del escaneo" not in output


def test_brands_of_different_languages_leave_it_to_the_locale(
    tmp_path: Path, cli: CliRunner, no_choice
) -> None:
    other = '\n[[brands]]\nname = "Corner Shop"\nslug = "corner"\nlanguage = "en"\n'
    config = project(tmp_path, extra_brand=other)
    no_choice.setenv("LANG", "en_US.UTF-8")
    assert "Scan summary" in scan(cli, config)
    no_choice.setenv("LANG", "es_MX.UTF-8")
    assert "Resumen del escaneo" in scan(cli, config)
    no_choice.setenv("LANG", "en_US.UTF-8")  # --brand picks one brand, and its language
    assert "Resumen del escaneo" in scan(cli, config, "--brand", "cafe")


def test_lang_option_outranks_the_brand(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    config = project(tmp_path)
    scan(cli, config)
    spanish = cli.invoke(app, ["report", "--config", str(config), "--brand", "nope"])
    assert spanish.exit_code == 2
    assert "marca desconocida 'nope'" in spanish.output and "marcas conocidas: cafe" in spanish.output
    english = cli.invoke(app, ["pending", "--config", str(config), "--channel", "nope", "--lang", "en"])
    assert english.exit_code == 2
    assert "unknown channel 'nope'" in english.output and "known channels: cafe/export" in english.output


def test_a_missing_folder_is_said_in_spanish(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    config = project(tmp_path)
    result = cli.invoke(app, ["report", "--config", str(config), "-o", str(tmp_path / "nodir" / "x.html")])
    assert result.exit_code == 2
    assert "no se encontró la carpeta" in result.output


def test_no_new_alerts_in_spanish(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    from socialmon.cli.scan import alerts_line

    _i18n.use("es")
    try:
        assert alerts_line("cafe", 0, 0, None) == "cafe: sin alertas nuevas"
    finally:
        _i18n.use("en")
    assert alerts_line("cafe", 0, 0, None) == "cafe: no new alerts"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "es_EC.UTF-8"}, "es"),
        ({"LANG": "es_MX"}, "es"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "pt_BR.UTF-8"}, "pt"),
        ({"LC_ALL": "es_EC.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "es_EC.UTF-8"}, "en"),
        ({"SOCIALMON_LANG": "es", "LANG": "en_US.UTF-8"}, "es"),
        ({"SOCIALMON_LANG": "en", "LANG": "es_EC.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_before_a_config_is_read(
    environment: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SOCIALMON_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert _i18n.environment_language() == expected


# --- --help ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_help_is_spanish_under_a_spanish_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALMON_LANG")
    main = run_cli("--help", env={"LANG": "es_EC.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert main.returncode == 0, main.stderr
    assert "Monitoree las redes sociales de su negocio" in main.stdout
    assert "Opciones" in main.stdout and "Comandos" in main.stdout
    assert "Mostrar esta ayuda y salir." in main.stdout
    assert "Show this message and exit" not in main.stdout and "Options" not in main.stdout
    scan_help = run_cli("scan", "--help", env={"LANG": "es_EC.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert "Mostrar solo los problemas (para cron)." in scan_help.stdout
    assert " Uso: " in scan_help.stdout and "scan [OPCIONES]" in scan_help.stdout, scan_help.stdout
    assert "Usage" not in scan_help.stdout
    report_help = run_cli(
        "report", "--help", env={"LANG": "es_EC.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "200"}
    )
    assert "[smtp] de las alertas" in report_help.stdout, report_help.stdout  # not eaten as markup
    assert "E-mail the report" not in report_help.stdout and "With --email" not in report_help.stdout
    assert not [tag for tag in TYPE_TAGS if tag in main.stdout + scan_help.stdout]


@pytest.mark.slow
def test_help_is_english_when_socialmon_lang_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli("--help", env={"LANG": "es_EC.UTF-8", "SOCIALMON_LANG": "en"})
    assert "Monitor your business's social channels" in result.stdout and "Options" in result.stdout


@pytest.mark.parametrize(
    ("argv", "spanish", "english"),
    [
        (
            ["report", "--period", "semana"],
            "Valor no válido para '--period': 'semana' no es uno de estos valores: 'day', 'week', 'month'.",
            "Invalid value for '--period': 'semana' is not one of 'day', 'week', 'month'.",
        ),
        (
            ["report", "--sinse", "7d"],
            "No existe la opción --sinse (¿quiso decir --since, --timings?)",
            "No such option: --sinse (Possible options: --since, --timings)",
        ),
        (["reprot"], "No existe el comando 'reprot'. ¿Quiso decir 'report'?", "Did you mean 'report'?"),
        (["label"], "Falta el argumento 'comment'.", "Missing argument 'comment'."),
        (
            ["report", "--since"],
            "La opción '--since' necesita un valor.",
            "Option '--since' requires an argument.",
        ),
        (
            ["scan", "--concurrency", "0"],
            "Valor no válido para '--concurrency': debe ser como mínimo 1",
            "Input should be greater than or equal to 1",
        ),
        (["scan", "--concurrency", "x"], "'--concurrency': debe ser un número entero", "valid integer"),
        (
            ["check", "--config", "/"],
            "el archivo '/' es una carpeta: indique el archivo que contiene.",
            "file '/' is a directory.",
        ),
    ],
)
def test_usage_errors_are_said_in_the_clis_language(
    argv: list[str], spanish: str, english: str, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """typer's click writes these as English f-strings: a Spanish user got half a sentence in each."""
    for language, expected in (("es", spanish), ("en", english)):
        monkeypatch.setenv("SOCIALMON_LANG", language)
        _i18n.use_environment()
        try:
            result = cli.invoke(app, argv)
        finally:
            monkeypatch.delenv("SOCIALMON_LANG")
            _i18n.use_environment()
        shown = " ".join(result.output.replace("│", " ").split())
        assert result.exit_code == 2, shown
        assert expected in shown, shown
        assert ("Usage:" if language == "es" else "Uso:") not in shown, shown
        if language == "es" and argv != ["report", "--since"]:  # (that one has no usage line)
            assert "Uso: socialmon" in shown, shown


# --- config problems ---------------------------------------------------------------------------

BAD_BRAND = """
[[brands]]
name = "Café Uno"
slug = "café uno"
timezone = "America/Guayaqil"
language = "es"
response_sla = "4 horas"
respone_sla = "4h"
report_period = 7

[brands.business_hours]
monday = "9:00-18"
holidays = "Ecuador"

[[brands.channels]]
name = "export"
platform = "file"
path = "export.jsonl"
anchor = "sabado"
enabled = "quizás"
"""


def test_config_problems_are_said_in_the_language_the_brand_is_written_in(
    tmp_path: Path, cli: CliRunner, no_choice
) -> None:
    """The config does not load, so no brand chose the language: the file as written says Spanish."""
    config = tmp_path / "socialmon.toml"
    config.write_text(BAD_BRAND, encoding="utf-8")
    result = cli.invoke(app, ["report", "--config", str(config)])
    assert result.exit_code == 2
    lines = [" ".join(line.split()) for line in result.output.splitlines() if line.strip()]
    assert lines and all(line.startswith("error de configuración: ") for line in lines), lines
    shown = "\n".join(lines)
    assert "marca 'café uno', campo 'timezone': zona horaria desconocida 'America/Guayaqil'" in shown
    assert "campo 'response_sla': '4 horas' no es una duración" in shown
    assert "campo 'respone_sla': opción desconocida (revise cómo está escrita)" in shown
    for english in ("brand '", "field '", "unknown", "is not", "must", "Input should", "required"):
        assert english not in shown, (english, shown)

    no_choice.setenv("SOCIALMON_LANG", "en")  # the user's standing choice outranks the file
    english = " ".join(cli.invoke(app, ["report", "--config", str(config)]).output.split())
    assert "config error: " in english and "brand 'café uno', field 'timezone': unknown time zone" in english


def test_a_wrong_export_path_is_said_in_spanish_by_check_and_scan(
    tmp_path: Path, cli: CliRunner, no_choice
) -> None:
    """The first error a new user meets (`init` points at exports/, not there yet), in the brand's language."""
    config = write_config(
        tmp_path, channels='[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "exports/"\n'
    )
    checked = " ".join(cli.invoke(app, ["check", "--config", str(config)]).output.split())
    assert "campo 'path': no se encontró la carpeta de exportaciones:" in checked, checked
    assert "revise la ruta (path) en la configuración del canal" in checked
    scanned = cli.invoke(app, ["scan", "--config", str(config)])
    assert scanned.exit_code == 1
    shown = " ".join(scanned.output.split())
    assert "cafe/export: FALLÓ: SourceError: no se encontró la carpeta de exportaciones:" in shown, shown
    assert "export folder not found" not in shown
    no_choice.setenv("SOCIALMON_LANG", "en")
    english = " ".join(cli.invoke(app, ["scan", "--config", str(config)]).output.split())
    assert "cafe/export: FAILED: SourceError: export folder not found:" in english, english


def test_every_config_problem_of_a_channel_is_said_in_spanish(tmp_path: Path) -> None:
    """Each message the config and the connectors' settings write matches a shape of
    `_config_words` (one that matches none would stay English)."""
    from socialmon.cli._config_words import said
    from socialmon.config import ConfigError, check_channels, load_config
    from socialmon.plugins import default_registry

    config = tmp_path / "socialmon.toml"
    config.write_text(
        BAD_BRAND.replace('slug = "café uno"', 'slug = "cafe"')
        .replace('timezone = "America/Guayaqil"', 'timezone = "America/Guayaquil"')
        .replace('response_sla = "4 horas"\nrespone_sla = "4h"\nreport_period = 7\n', "")
        .replace('monday = "9:00-18"\nholidays = "Ecuador"\n', "")
        .replace('enabled = "quizás"\n', "")
        + '\n[[brands.channels]]\nname = "yt"\nplatform = "youtube"\naccount = "UC1"\npage_size = "muchos"\n'
        + '\n[[brands.channels]]\nname = "m"\nplatform = "mastodon"\naccount = "cafe"\n'
        + '\n[[brands.channels]]\nname = "fb"\nplatform = "facebook"\naccount = "1"\naccess_token = "${NO_SUCH_TOKEN}"\n',
        encoding="utf-8",
    )
    loaded = load_config(config)
    problems = check_channels(loaded, default_registry(), environ={})
    try:
        load_config(tmp_path / "absent.toml")
    except ConfigError as error:
        problems += error.problems
    config.write_text(BAD_BRAND, encoding="utf-8")
    try:
        load_config(config)
    except ConfigError as error:
        problems += error.problems
    assert len(problems) >= 10
    _i18n.use("es")
    try:
        untranslated = [p.message for p in problems if said(p.message) == p.message]
    finally:
        _i18n.use_environment()
    assert not untranslated, untranslated


def command_paths() -> list[list[str]]:
    import typer.main

    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


def test_help_shows_no_raw_type_tags(cli: CliRunner) -> None:
    paths = command_paths()
    assert ["report", "trends"] in paths and ["alerts", "send"] in paths
    for path in paths:
        result = cli.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        found = [tag for tag in TYPE_TAGS if tag in result.output]
        assert not found, (path, found, result.output)
    report = cli.invoke(app, ["report", "--help"]).output
    assert "table|json|csv|md|html|pdf" in report  # a choice still shows its values


# --- the catalogue ---------------------------------------------------------------------------


@functools.cache
def cli_extraction() -> tuple[str | tuple[str, ...], ...]:
    """Every message of the CLI's `_()`, `N_()` and `ngettext()` calls: the CLI's sources read once
    for the module (0.2 s each time), its two tests each taking their kind."""
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = extract_from_dir(str(CLI_DIR), method_map=[("**.py", "python")], keywords=keywords)
    return tuple(message for _, _, message, *_ in found)


def cli_messages() -> set[str]:
    return {message for message in cli_extraction() if isinstance(message, str)}


def test_every_cli_message_has_a_spanish_translation() -> None:
    catalogue = {m.id: m for m in read_po(PO.open("rb")) if m.id}
    messages = cli_messages()
    assert len(messages) > 150  # the extraction found the CLI's words
    untranslated = sorted(m for m in messages if m not in catalogue or not catalogue[m].string)
    assert not untranslated, "add to socialmon/locale (see its README): " + repr(untranslated)
    fuzzy = sorted(m for m in messages if catalogue[m].fuzzy)
    assert not fuzzy
    for message in messages:
        fields = set(re.findall(r"\{[^}]*\}", message))
        assert set(re.findall(r"\{[^}]*\}", str(catalogue[message].string))) == fields, message


def cli_plural_messages() -> set[tuple[str, str]]:
    return {message for message in cli_extraction() if isinstance(message, tuple)}  # type: ignore[misc]


def test_every_cli_count_has_spanish_forms_for_one_and_many() -> None:
    catalogue = {m.id[0]: m for m in read_po(PO.open("rb")) if isinstance(m.id, tuple)}
    messages = cli_plural_messages()
    assert len(messages) >= 10  # the extraction found the counted lines
    for singular, _plural in messages:
        entry = catalogue.get(singular)
        assert entry is not None and all(entry.string), (
            f"add {singular!r} to socialmon/locale (see its README)"
        )
        fields = set(re.findall(r"\{[^}]*\}", singular))
        assert all(set(re.findall(r"\{[^}]*\}", form)) == fields for form in entry.string), singular
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.ngettext("{n} new post", "{n} new posts", 1) == "{n} publicación nueva"
    assert compiled.ngettext("{n} new post", "{n} new posts", 2) == "{n} publicaciones nuevas"


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in read_po(PO.open("rb")):
        if isinstance(message.id, tuple) and not message.fuzzy:
            singular, plural = message.id
            for n, form in ((1, 0), (2, -1)):
                assert compiled.ngettext(singular, plural, n) == message.string[form], (
                    f"{MO} is stale ({singular!r})"
                )
        elif message.id and message.string and not message.fuzzy:
            assert compiled.gettext(message.id) == message.string, (
                f"{MO} is stale: run `pybabel compile -d socialmon/locale` ({message.id!r})"
            )


# --- the Spanish e-mail ----------------------------------------------------------------------


def test_the_cli_and_the_email_give_each_severity_the_same_spanish_word() -> None:
    """ "aviso" had meant warning in `socialmon alerts` and info in the e-mail."""
    from socialmon.alerts import wording

    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for severity in ("info", "warning", "critical"):
        assert compiled.gettext(severity) == wording.STRINGS[f"severity_{severity}"][1], severity
    assert len({compiled.gettext(s) for s in ("info", "warning", "critical")}) == 3


def test_the_spanish_email_names_the_alert_in_spanish() -> None:
    from socialmon.alerts.email import build_email
    from socialmon.alerts.wording import Batch, word
    from socialmon.config import EmailDestination
    from socialmon.render.i18n import Lang

    now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    facts = {
        "channel": "facebook", "platform": "facebook", "author": "Ana", "text": "Me estafaron",
        "label": "negative", "url": "https://example.com/c1", "written_at": now.isoformat(), "terms": ["estafa"],
    }  # fmt: skip
    destination = EmailDestination(host="localhost", sender="a@example.com", to=["b@example.com"])
    for language, expected, absent in (("es", "(alerta n.º 9)", "(alert #"), ("en", "(alert #9)", "alerta")):
        batch = Batch(shown=[word(9, "watch-list", "critical", facts, now, Lang(language))], hidden=[])
        text = build_email(destination, "Café Uno", batch, Lang(language)).get_body(("plain",)).get_content()
        assert expected in text and absent not in text
    # A quote of several lines keeps its indentation in the plain text, line after line.
    facts["text"] = "Muy mala\natención en el local"
    batch = Batch(shown=[word(9, "watch-list", "critical", facts, now, Lang("es"))], hidden=[])
    text = build_email(destination, "Café Uno", batch, Lang("es")).get_body(("plain",)).get_content()
    assert "\n  “Muy mala\n   atención en el local”\n" in text, text
