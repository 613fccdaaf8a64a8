"""`socialmon init` for a Brazilian user: the starter config in Brazilian Portuguese.

There was an English and a Spanish starter and no Portuguese one, so `--lang pt`, SOCIALMON_LANG=pt
or a pt_BR locale wrote English comments. The last test here compares every template with the
CLI's languages and with each other, so a language without its starter, or a key added to one
starter only, fails.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.cli._i18n import LANGUAGES
from socialmon.cli.setup import starter_config
from socialmon.config import check_channels, load_config
from socialmon.plugins import ConnectorRegistry

TEMPLATES = files("socialmon").joinpath("templates")
# A commented example (`# key = value`, `# [table]`) or a setting, with what it is: its key or table.
SETTING = re.compile(r"^(?P<commented># )?(?:(?P<table>\[\[?[\w.]+\]\]?)|(?P<key>[a-z_]+) = )")
# Words of the English and Spanish comments that a Portuguese comment does not use.
NOT_PORTUGUESE = re.compile(
    r"\b(the|is|are|of|and|your|usted|escriba|los|las|el|según|horario|también|cuenta)\b", re.I
)


def comments(text: str) -> list[str]:
    """The words of a starter's comments: whole comment lines that are no commented example, and
    what follows a setting's (or a commented example's) trailing `#`."""
    found = []
    for line in text.splitlines():
        if SETTING.match(line):
            trailing = re.search(r"\s#\s*(.*)$", line.removeprefix("# "))
            said = trailing[1] if trailing else ""
        else:
            said = line.lstrip("# ").strip() if line.startswith("#") else ""
        if said:
            found.append(said)
    return found


def settings(text: str) -> list[tuple[bool, str]]:
    """A starter's settings and tables in order, commented examples included, as (commented, key)."""
    return [
        (bool(found["commented"]), found["table"] or found["key"])
        for found in map(SETTING.match, text.splitlines())
        if found
    ]


def written(tmp_path: Path, cli: CliRunner, *args: str, env: dict[str, str]) -> str:
    path = tmp_path / "socialmon.toml"
    result = cli.invoke(app, ["init", str(path), *args], env={"LC_ALL": "", "LC_MESSAGES": "", **env})
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "env",
    [
        {"SOCIALMON_LANG": "pt", "LANG": "C.UTF-8"},
        {"LANG": "pt_BR.UTF-8"},
    ],
    ids=["SOCIALMON_LANG", "locale"],
)
def test_init_writes_the_starter_in_portuguese(
    tmp_path: Path, cli: CliRunner, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)  # conftest's English, unless the test sets one
    text = written(tmp_path, cli, env={"TZ": "UTC", **env})
    assert text.startswith("# Configuração do socialmon."), text[:80]
    said = comments(text)
    assert len(said) > 30
    english = [line for line in said if NOT_PORTUGUESE.search(line)]
    assert english == []
    assert "você" in text and "cliente" in text
    # Nothing of the others' comments is left untranslated.
    others = set(comments(starter_config("en"))) | set(comments(starter_config("es")))
    assert [line for line in said if line in others and re.search(r"[a-z]{4}", line)] == []


def test_init_lang_pt_writes_the_portuguese_starter(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    text = written(tmp_path, cli, "--lang", "pt", env={"LANG": "es_EC.UTF-8", "TZ": "UTC"})
    assert text.startswith("# Configuração do socialmon.")
    # An explicit choice: the brand's reports too, over the locale's guess.
    assert re.search(r'^language = "pt"', text, re.M)


def test_the_portuguese_starter_loads_with_brazils_defaults(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A C locale and a server in UTC tell nothing: the example's brand is Brazilian."""
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    written(tmp_path, cli, "--lang", "pt", env={"LANG": "C.UTF-8", "TZ": "UTC"})
    registry = ConnectorRegistry.from_entry_points()
    config = load_config(tmp_path / "socialmon.toml", registry)
    (brand,) = config.brands
    assert (brand.name, brand.slug, brand.language, brand.timezone) == (
        "Meu Negócio",
        "meu-negocio",
        "pt",
        "America/Sao_Paulo",
    )
    assert brand.response_sla == 120
    assert check_channels(config, registry, environ={}) == []


def test_the_portuguese_starter_follows_the_machines_language_and_time_zone() -> None:
    text = starter_config("pt", "es", "America/Lima")
    assert re.findall(r'^(language|timezone) = "([^"]+)"', text, re.M) == [
        ("timezone", "America/Lima"),
        ("language", "es"),
    ]


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_check_on_a_fresh_starter_names_only_the_exports_folder(
    tmp_path: Path, cli: CliRunner, language: str
) -> None:
    """What `init` leaves to edit is the same in every language: the export folder, not there yet."""
    (tmp_path / "socialmon.toml").write_text(starter_config(language), encoding="utf-8")
    result = cli.invoke(
        app, ["check", "--config", str(tmp_path / "socialmon.toml")], env={"SOCIALMON_LANG": language}
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "exports" in lines[0] and "'path'" in lines[0]
    (tmp_path / "exports").mkdir()
    result = cli.invoke(
        app, ["check", "--config", str(tmp_path / "socialmon.toml")], env={"SOCIALMON_LANG": language}
    )
    assert "exports" in result.output  # an empty folder: still a problem, in every language alike
    (tmp_path / "exports" / "export.jsonl").write_text(
        '{"type": "post", "id": "p1", "created_at": "2026-01-05T10:00:00Z", "text": "Olá"}\n',
        encoding="utf-8",
    )
    result = cli.invoke(
        app, ["check", "--config", str(tmp_path / "socialmon.toml")], env={"SOCIALMON_LANG": language}
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_every_commented_example_loads_once_uncommented(tmp_path: Path, language: str) -> None:
    """Each starter's examples (opening hours with Brazil's or Ecuador's holidays, a Facebook
    channel, alerts, the mail server), all uncommented at once, are a config that loads."""
    lines = [
        line.removeprefix("# ") if SETTING.match(line) else line
        for line in starter_config(language).splitlines()
    ]
    path = tmp_path / "socialmon.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "exports").mkdir()
    registry = ConnectorRegistry.from_entry_points()
    config = load_config(path, registry)
    (brand,) = config.brands
    assert brand.business_hours is not None and brand.business_hours.holidays
    assert [channel.platform for channel in brand.channels] == ["file", "facebook"]
    environ = {
        "FB_PAGE_TOKEN": "EAAB-token",
        "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/x",
        "SMTP_USER": "ana",
        "SMTP_PASSWORD": "secret",
    }
    assert check_channels(config, registry, environ=environ) == []


def test_the_portuguese_starter_has_the_spanish_ones_settings() -> None:
    """Same settings, same values: only the comments and the example's names and place differ."""
    spanish, portuguese = starter_config("es").splitlines(), starter_config("pt").splitlines()

    def setting_lines(lines: list[str]) -> list[str]:
        return [
            re.sub(r"\s+#.*$", "", line.removeprefix("# ")).strip() for line in lines if SETTING.match(line)
        ]

    differ = [
        (s, p) for s, p in zip(setting_lines(spanish), setting_lines(portuguese), strict=True) if s != p
    ]
    assert differ == [
        ('name = "Mi Negocio"', 'name = "Meu Negócio"'),
        ('slug = "mi-negocio"', 'slug = "meu-negocio"'),
        ('timezone = "America/Guayaquil"', 'timezone = "America/Sao_Paulo"'),
        ('language = "es"', 'language = "pt"'),
        ('holidays = "EC"', 'holidays = "BR"'),
        ('account = "Mi Negocio"', 'account = "Meu Negócio"'),
        ('business_authors = ["Mi Negocio"]', 'business_authors = ["Meu Negócio"]'),
        ('terms = ["estafa", "intoxicación", "reembolso"]', 'terms = ["golpe", "intoxicação", "reembolso"]'),
        ('to = ["duenio@example.com"]', 'to = ["dono@example.com"]'),
    ]


def test_every_language_of_the_cli_has_a_starter_with_the_same_settings() -> None:
    """The drift test: a language the CLI speaks without its own starter (Portuguese got the
    English one), or a key, table or commented example in one starter only, fails here."""
    templates = sorted(entry.name for entry in TEMPLATES.iterdir() if entry.name.endswith(".toml"))
    expected = sorted("socialmon.toml" if code == "en" else f"socialmon.{code}.toml" for code in LANGUAGES)
    assert templates == expected
    starters = {code: starter_config(code) for code in LANGUAGES}
    for code, text in starters.items():
        assert text == TEMPLATES.joinpath(
            "socialmon.toml" if code == "en" else f"socialmon.{code}.toml"
        ).read_text(encoding="utf-8"), f"starter_config({code!r}) is not its own template"
    english = settings(starters["en"])
    assert len(english) > 40
    for code, text in starters.items():
        assert settings(text) == english, code


def test_init_says_why_it_cannot_write_in_portuguese(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OS's English ("No such file or directory", "Permission denied") was said as the reason."""
    missing = tmp_path / "nowhere" / "socialmon.toml"
    result = cli.invoke(app, ["init", str(missing), "--lang", "pt"])
    assert result.exit_code == 2
    assert f"a pasta {missing.parent} não existe" in result.output, result.output
    assert "No such file" not in result.output

    def refuse(self: Path, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    result = cli.invoke(app, ["init", str(tmp_path / "socialmon.toml"), "--lang", "pt"])
    assert result.exit_code == 2
    assert "socialmon.toml': sem permissão de gravação" in result.output, result.output
    assert "Permission denied" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("env", "comments_start", "language"),
    [
        ({"LANG": "C.UTF-8"}, "# socialmon configuration", "en"),
        ({"SOCIALMON_LANG": "en", "LANG": "C.UTF-8"}, "# socialmon configuration", "en"),
        ({"LANG": "es_MX.UTF-8"}, "# Configuración de socialmon", "es"),
        ({"SOCIALMON_LANG": "pt", "LANG": "es_EC.UTF-8"}, "# Configuração do socialmon", "pt"),
    ],
    ids=["C locale", "SOCIALMON_LANG=en", "es_MX locale", "SOCIALMON_LANG=pt over es_EC"],
)
def test_the_brand_speaks_the_language_the_config_is_written_in(
    tmp_path: Path,
    cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    comments_start: str,
    language: str,
) -> None:
    """An English starter (a C locale, or SOCIALMON_LANG=en) kept the template's Spanish brand, so
    `check`, `scan` and the reports spoke Spanish from the first minute."""
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    text = written(tmp_path, cli, env={"TZ": "UTC", **env})
    assert text.lower().startswith(comments_start.lower()), text[:60]
    assert re.search(rf'^language = "{language}"', text, re.M), text
