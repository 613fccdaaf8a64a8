"""The CLI speaks Brazilian Portuguese where the brand, $SOCIALMON_LANG, --lang or the locale does.

Reports and alerts were already written in Portuguese for a brand with `language = "pt"`, while
`scan`, `check` and `pending` said their own lines in English. The catalogue is
`socialmon/locale/pt/LC_MESSAGES/messages.po` (Babel's `write_po`, like the Spanish one); its words
are the reports' and the alerts' ("coleta", "canal", "publicação", "aguardando resposta").
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from helpers import REPO, comment, post, run_cli, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import _i18n, app

CLI_DIR = REPO / "socialmon" / "cli"
LOCALE = REPO / "socialmon" / "locale"
POT = LOCALE / "messages.pot"
PO = LOCALE / "pt" / "LC_MESSAGES" / "messages.po"
MO = LOCALE / "pt" / "LC_MESSAGES" / "messages.mo"
FIELD = re.compile(r"\{[^}]*\}")
# What stays as written in every language: rich markup, `commands`, --options.
KEPT = (
    re.compile(r"\[/?(?:blue|bold|dim|italic|red|green|yellow)?\]"),  # rich's markup
    re.compile(r"\[\[?(?:smtp|brands\.[\w.]+)\]\]?"),  # the config's tables
    re.compile(r"`[^`]*`"),
    re.compile(r"(?<![\w-])--[a-z][a-z-]*"),
)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def in_portuguese() -> Iterator[None]:
    """The CLI's words in Portuguese for the test; the environment's after."""
    _i18n.use("pt")
    try:
        yield
    finally:
        _i18n.use_environment()


def project(folder: Path, *, language: str = "pt") -> Path:
    write_jsonl(
        folder / "export.jsonl",
        [post("p1", author_id="biz"), comment("c1", text="Atendimento péssimo, ninguém responde")],
    )
    path = write_config(folder)
    text = path.read_text(encoding="utf-8").replace('language = "es"', f'language = "{language}"')
    path.write_text(text, encoding="utf-8")
    return path.resolve()


def invoke(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.replace("│", " ").split())


# --- choosing Portuguese -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "pt_BR.UTF-8"}, "pt"),
        ({"LANG": "pt_PT.UTF-8"}, "pt"),
        ({"LC_ALL": "pt_BR.UTF-8", "LANG": "en_US.UTF-8"}, "pt"),
        ({"SOCIALMON_LANG": "pt", "LANG": "es_EC.UTF-8"}, "pt"),
        ({"SOCIALMON_LANG": "pt-BR", "LANG": "C.UTF-8"}, "pt"),
        ({"SOCIALMON_LANG": "en", "LANG": "pt_BR.UTF-8"}, "en"),
    ],
)
def test_a_brazilian_locale_or_socialmon_lang_speaks_portuguese(
    environment: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SOCIALMON_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert _i18n.known("pt_BR.UTF-8") == "pt"
    assert _i18n.environment_language() == expected


def test_check_speaks_the_brands_portuguese(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    code, shown = invoke(cli, "check", "--config", str(project(tmp_path)))
    assert code == 0, shown
    assert ": 1 marca, 1 canal, tudo válido" in shown, shown
    assert "banco de dados sqlite:" in shown and "novo (criado na primeira coleta)" in shown, shown
    assert "all valid" not in shown and "database" not in shown


def test_scan_speaks_the_brands_portuguese(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    code, shown = invoke(cli, "scan", "--config", str(project(tmp_path)))
    assert code == 0, shown
    for words in ("Resumo da coleta", "novas publicações", "novos comentários", "situação"):
        assert words in shown, shown
    assert "cafe/export: coletando" in shown, shown
    assert "cafe/export: concluído, 1 nova publicação, 1 novo comentário" in shown, shown
    assert "cafe: nenhum alerta novo" in shown, shown
    for english in ("Scan summary", "new posts", "scanning", "no new alerts"):
        assert english not in shown, shown


def test_scan_of_an_english_brand_stays_english_under_a_brazilian_locale(
    tmp_path: Path, cli: CliRunner, no_choice
) -> None:
    no_choice.setenv("LANG", "pt_BR.UTF-8")
    code, shown = invoke(cli, "scan", "--config", str(project(tmp_path, language="en")))
    assert code == 0 and "Scan summary" in shown and "new comments" in shown, shown


def test_pending_speaks_the_brands_portuguese(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    config = str(project(tmp_path))
    assert invoke(cli, "scan", "-q", "--config", config)[0] == 0
    code, shown = invoke(cli, "pending", "--config", config, "--channel", "nope")
    assert code == 2, shown
    assert "canal desconhecido 'nope'" in shown and "canais conhecidos: cafe/export" in shown, shown
    code, shown = invoke(cli, "pending", "--config", config)
    assert code == 0 and "Aguardando resposta" in shown, shown  # the report's own words, as before
    code, shown = invoke(cli, "report", "--config", config, "--brand", "nope")
    assert code == 2 and "marca desconhecida 'nope'" in shown and "marcas conhecidas: cafe" in shown, shown
    code, shown = invoke(cli, "report", "--config", config, "-o", str(tmp_path / "nodir" / "x.html"))
    assert code == 2 and "a pasta" in shown and "não existe" in shown, shown


def test_socialmon_lang_speaks_portuguese_to_a_spanish_brand(
    tmp_path: Path, cli: CliRunner, no_choice
) -> None:
    no_choice.setenv("SOCIALMON_LANG", "pt")
    code, shown = invoke(cli, "check", "--config", str(project(tmp_path, language="es")))
    assert code == 0 and "tudo válido" in shown and "todo válido" not in shown, shown


def test_lang_pt_speaks_portuguese_to_an_english_brand(tmp_path: Path, cli: CliRunner, no_choice) -> None:
    config = str(project(tmp_path, language="en"))
    code, shown = invoke(cli, "pending", "--config", config, "--channel", "nope", "--lang", "pt")
    assert code == 2 and "canal desconhecido 'nope'" in shown, shown


def test_try_under_socialmon_lang_pt_speaks_portuguese(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "pt")
    code, shown = invoke(cli, "try", "myspace:cafe")
    assert code == 2 and "plataforma desconhecida 'myspace'" in shown, shown


def test_a_label_is_named_as_the_portuguese_report_names_it(in_portuguese: None) -> None:
    from socialmon.cli._common import label_word

    assert [label_word(label) for label in ("positive", "neutral", "negative")] == [
        "positivo",
        "neutro",
        "negativo",
    ]


def test_counts_are_written_as_brazil_writes_them(in_portuguese: None) -> None:
    assert _i18n.count(296105) == "296.105" and _i18n.count(999) == "999"
    assert _i18n.ngettext("{n} new post", "{n} new posts", 0) == "{n} nova publicação"  # 0 is singular
    assert _i18n.ngettext("{n} new post", "{n} new posts", 1) == "{n} nova publicação"
    assert _i18n.ngettext("{n} new post", "{n} new posts", 2) == "{n} novas publicações"


# --- typer's own words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "portuguese"),
    [
        (
            ["report", "--period", "semana"],
            "Valor inválido para '--period': 'semana' não é um destes valores: 'day', 'week', 'month'.",
        ),
        (["report", "--sinse", "7d"], "A opção --sinse não existe (você quis dizer --since, --timings?)"),
        (["reprot"], "O comando 'reprot' não existe. Você quis dizer 'report'?"),
        (["label"], "Falta o argumento 'comment'."),
        (["report", "--since"], "A opção '--since' precisa de um valor."),
        (["scan", "--concurrency", "0"], "Valor inválido para '--concurrency': deve ser no mínimo 1"),
        (["scan", "--concurrency", "x"], "'--concurrency': deve ser um número inteiro"),
        (["check", "--config", "/"], "o arquivo '/' é uma pasta: informe o arquivo que está nela."),
    ],
)
def test_usage_errors_are_said_in_portuguese(
    argv: list[str], portuguese: str, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", "pt")
    _i18n.use_environment()
    try:
        code, shown = invoke(cli, *argv)
    finally:
        monkeypatch.setenv("SOCIALMON_LANG", "en")
        _i18n.use_environment()
    assert code == 2, shown
    assert portuguese in shown, shown
    assert "Usage:" not in shown, shown
    if argv != ["report", "--since"]:  # (that one has no usage line)
        assert "Uso: socialmon" in shown, shown


@pytest.mark.slow
def test_help_is_portuguese_under_a_brazilian_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALMON_LANG")
    brazil = {"LANG": "pt_BR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "200"}
    main = run_cli("--help", env=brazil)
    assert main.returncode == 0, main.stderr
    assert "Monitore as redes sociais do seu negócio" in main.stdout, main.stdout
    assert "Opções" in main.stdout and "Comandos" in main.stdout
    assert "Mostrar esta ajuda e sair." in main.stdout
    assert "Show this message and exit" not in main.stdout and "Options" not in main.stdout
    scan_help = run_cli("scan", "--help", env=brazil)
    assert "Mostrar só os problemas (para o cron)." in scan_help.stdout, scan_help.stdout
    assert " Uso: " in scan_help.stdout and "scan [OPÇÕES]" in scan_help.stdout, scan_help.stdout
    assert "Usage" not in scan_help.stdout and "[default" not in scan_help.stdout
    wrong = run_cli("scan", "--nope", env=brazil)
    assert wrong.returncode == 2 and "Erro" in wrong.stderr and "para ver a ajuda" in wrong.stderr, (
        wrong.stderr
    )


# --- the catalogue -----------------------------------------------------------------------------


def source_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """The CLI's `_()`/`N_()` messages and its `ngettext` pairs, as its source writes them."""
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = extract_from_dir(str(CLI_DIR), method_map=[("**.py", "python")], keywords=keywords)
    messages = [message for _, _, message, *_ in found]
    return {m for m in messages if isinstance(m, str)}, {m for m in messages if isinstance(m, tuple)}


def catalogue() -> dict[str, object]:
    return {
        m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(PO.open("rb"), locale="pt") if m.id
    }


def test_every_cli_message_has_a_portuguese_translation() -> None:
    """As tests/test_cli_language.py asks of Spanish: a new English message without its Portuguese
    fails here. Add it with Babel (see socialmon/locale/README.md)."""
    singles, plurals = source_messages()
    assert len(singles) > 150 and len(plurals) >= 10  # the extraction found the CLI's words
    template = {m.id for m in read_po(POT.open("rb")) if m.id}
    wanted = singles | {pair for pair in plurals} | template
    translated = catalogue()
    missing = []
    for message in wanted:
        key = message if isinstance(message, str) else message[0]
        entry = translated.get(key)
        if (
            entry is None
            or entry.fuzzy
            or not all(entry.string if isinstance(message, tuple) else [entry.string])
        ):
            missing.append(key)
    assert not missing, "add to socialmon/locale/pt (see its README): " + repr(sorted(missing))


def test_every_portuguese_translation_keeps_the_fields_and_the_markup() -> None:
    for key, entry in catalogue().items():
        english = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for form in forms:
            assert set(FIELD.findall(form)) == set(FIELD.findall(english[0])), key
            for kept in KEPT:
                assert sorted(kept.findall(form)) == sorted(kept.findall(english[-1])), (key, form)


def test_portuguese_counts_have_brazils_two_forms() -> None:
    po = read_po(PO.open("rb"), locale="pt")
    assert (po.num_plurals, po.plural_expr) == (2, "(n > 1)")
    plurals = [m for m in po if isinstance(m.id, tuple)]
    assert len(plurals) >= 10 and all(len(m.string) == 2 for m in plurals)


def test_the_compiled_portuguese_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in read_po(PO.open("rb"), locale="pt"):
        if isinstance(message.id, tuple):
            singular, plural = message.id
            for n, form in ((0, 0), (1, 0), (2, 1)):
                assert compiled.ngettext(singular, plural, n) == message.string[form], (
                    f"{MO} is stale ({singular!r})"
                )
        elif message.id:
            assert compiled.gettext(message.id) == message.string, f"{MO} is stale ({message.id!r})"


def test_the_cli_and_the_alerts_use_the_same_portuguese_words() -> None:
    """A severity, a scan's status and a label are what the e-mail and the report call them."""
    from socialmon.alerts import wording
    from socialmon.render.i18n import PORTUGUESE

    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for severity in ("info", "warning", "critical"):
        assert compiled.gettext(severity) == wording.PORTUGUESE[f"severity_{severity}"], severity
    for status in ("partial", "failed", "busy", "running", "never"):
        key = "never" if status == "never" else f"status_{status}"
        assert compiled.gettext(status) == PORTUGUESE[key], status
    assert compiled.gettext("last scan") == PORTUGUESE["last_scan"]
    assert compiled.gettext("Ref.") == PORTUGUESE["ref"]
