"""A Spanish scan says the file and WhatsApp connectors' own words in Spanish (why a line was skipped,
where, a file that cannot be read, their warnings), the file's names and values kept as written; an
English scan says them as the connectors write them. And `report --email` says why it cannot send in
the brand's language."""

from __future__ import annotations

import ast
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import REPO, write_config
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.cli._config_words import said, said_error, said_location, said_reason, said_warning

CONNECTORS = ("file", "whatsapp")
CHANNELS = (
    '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "exports"\n\n'
    '[[brands.channels]]\nname = "chat"\nplatform = "whatsapp_export"\npath = "chat.txt"\n'
)
# A CSV with a row of too many cells (line 3) and a column socialmon does not use; a JSON Lines file
# with a broken line 2; a WhatsApp chat whose business is not named in business_names.
CSV = "type,id,created_at,text,extra\npost,p1,2026-10-01 12:00,Hola,x\ncomment,c1,2026-10-01 13:00,a,b,c\n"
JSONL = '{"type": "post", "id": "p2", "created_at": "2026-10-01T12:00:00Z"}\n{broken\n'
CHAT = "12/11/26, 9:15 - Rosa Mite: ¿Tienen mesa?\n12/11/26, 9:16 - Café Uno: Sí, claro\n"


def exports(folder: Path, csv: str = CSV, jsonl: str = JSONL) -> Path:
    (folder / "exports").mkdir()
    (folder / "exports" / "facebook.csv").write_text(csv, encoding="utf-8")
    (folder / "exports" / "bom.jsonl").write_text(jsonl, encoding="utf-8")
    (folder / "chat.txt").write_text(CHAT, encoding="utf-8")
    return write_config(folder, channels=CHANNELS)


def scan(cli: CliRunner, config: Path, monkeypatch: pytest.MonkeyPatch, language: str) -> list[str]:
    """The lines a scan writes on stderr; the connectors' warnings among them, as logging's last
    resort writes them when nothing configured logging (pytest's own capture set aside)."""
    monkeypatch.setattr(logging.root, "handlers", [])
    monkeypatch.setenv("SOCIALMON_LANG", language)
    monkeypatch.setenv("COLUMNS", "400")
    result = cli.invoke(app, ["scan", "--config", str(config)])
    return result.stderr.splitlines()


def test_a_spanish_scan_says_the_files_problems_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = scan(cli, exports(tmp_path), monkeypatch, "es")
    assert (
        "cafe/export: se omitió la línea 3 de facebook.csv: se esperaban 5 columnas y la fila tiene 6"
        in lines
    )
    (broken,) = [line for line in lines if "bom.jsonl" in line]
    assert broken.startswith("cafe/export: se omitió la línea 2 de bom.jsonl: no es JSON válido (Expecting ")
    assert "cafe/export: facebook.csv: se ignoraron las columnas que socialmon no usa: extra" in lines
    (chat,) = [line for line in lines if line.startswith("cafe/chat: chat.txt: ")]
    assert chat.startswith(
        "cafe/chat: chat.txt: business_names no está definido, así que cada mensaje cuenta como del "
        "cliente (remitentes, de más a menos mensajes: 'Rosa Mite' (1), 'Café Uno' (1)): defina en "
        "business_names del canal"
    ), chat


def test_an_english_scan_says_them_as_the_connectors_write_them(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = scan(cli, exports(tmp_path), monkeypatch, "en")
    assert "cafe/export: skipped facebook.csv line 3: expected 5 columns, found 6" in lines
    assert any(
        line.startswith("cafe/export: skipped bom.jsonl line 2: not valid JSON (Expecting ") for line in lines
    )
    assert "cafe/export: facebook.csv: ignored the columns socialmon does not use: extra" in lines
    assert any(
        line.startswith("cafe/chat: chat.txt: business_names is not set, so every message") for line in lines
    )


def test_a_file_none_of_whose_rows_is_read_fails_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = exports(tmp_path, csv="type,id,created_at,a,b,c,d,e,f\nhola,1,2,3,4,5,6,7,8,9\n", jsonl="")
    (tmp_path / "exports" / "bom.jsonl").unlink()
    lines = scan(cli, config, monkeypatch, "es")
    assert (
        "cafe/export: FALLÓ: SourceError: facebook.csv: no se pudo leer 1 fila, la única que tiene (se esperaban 9 "
        "columnas y la fila tiene 10) — vea las filas rechazadas arriba; corrija el archivo, o las "
        "opciones del canal (format, timezone, date_order)"
    ) in lines, lines


def test_a_workbook_whose_first_sheet_is_empty_fails_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "exports").mkdir()
    book = openpyxl.Workbook()
    book.active.title = "Hoja1"
    book.create_sheet("Datos").append(["type", "id", "created_at"])
    book.save(tmp_path / "exports" / "ventas.xlsx")
    lines = scan(cli, write_config(tmp_path, channels=CHANNELS.split("\n\n")[0]), monkeypatch, "es")
    assert (
        "cafe/export: FALLÓ: SourceError: ventas.xlsx: su primera hoja ('Hoja1') está vacía; socialmon "
        "lee solo la primera hoja (este libro tiene 2 hojas: 'Hoja1', 'Datos') — mueva la hoja con las "
        "filas al primer lugar, o guárdela como un archivo aparte (.xlsx o CSV)"
    ) in lines, lines


def test_the_words_inside_a_reason_are_said_and_the_values_kept(cli_in_spanish: None) -> None:
    assert said_location("libro.xlsx line 4") == "la fila 4 de libro.xlsx"
    assert said_location("libro.ods line 4") == "la fila 4 de libro.ods"  # LibreOffice's workbook too
    assert said_location("post 123") == "post 123"  # another connector's: as written
    assert said_reason("created_at: Unix time 1e+20 is out of range") == (
        "created_at: el tiempo Unix 1e+20 está fuera de rango"
    )
    assert said_reason("rating: Input should be less than or equal to 5; created_at: Field required") == (
        "rating: debe ser como máximo 5; created_at: falta y es obligatorio"
    )
    assert said_reason("12/31/26 9h is not a date and time (read dmy): month must be in 1..12") == (
        "12/31/26 9h no es una fecha y hora (leída como dmy): month must be in 1..12"  # Python's words kept
    )
    two = said_error(
        "Incomplete: a.csv: the first line must be a header with at least 'type' and 'id', separated by "
        "commas, semicolons or tabs; found 'fecha', 'texto' (the README's \"The file format\" lists the "
        "columns); b.jsonl: none of its 2 row(s) could be read (the first: not a JSON object)"
    )
    assert two == (
        "Incomplete: a.csv: la primera línea debe ser un encabezado con al menos 'type' e 'id', separados "
        "por comas, punto y coma o tabulaciones; columnas encontradas: 'fecha', 'texto' (la sección \"The "
        'file format" del README enumera las columnas); b.jsonl: no se pudo leer ninguna de sus 2 filas '
        "(la primera: no es un objeto JSON)"
    )
    assert said_error("Incomplete: 2 file(s) skipped: a.txt: the zip holds no .txt chat export").startswith(
        "Incomplete: 2 archivos omitidos: a.txt: el zip no contiene ninguna exportación de chat .txt"
    )


def test_english_reasons_stay_as_written() -> None:
    reason = "created_at: Unix time 1e+20 is out of range"
    assert said_reason(reason) == reason
    assert said_location("facebook.csv line 6") == "facebook.csv line 6"


# --- every message of the two connectors has its Spanish shape -------------------------------------

_SAMPLES = ("7", "")  # what a value the message is made with may be: a name, a number, empty


def _samples(node: ast.expr, module: object) -> Iterator[str]:
    """The texts an f-string (or "a" + f"b", or a %-format) can be, each value it is made with
    evaluated when it is a constant of the module (`_DATE_FORMS`), else "7" or empty."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for left, right in itertools.product(_samples(node.left, module), _samples(node.right, module)):
            yield left + right
        return
    if not isinstance(node, ast.JoinedStr):
        yield from _SAMPLES
        return
    choices: list[tuple[str, ...]] = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            choices.append((str(part.value),))
            continue
        assert isinstance(part, ast.FormattedValue)
        try:
            value = eval(compile(ast.Expression(part.value), "<message>", "eval"), vars(module))
        except (NameError, AttributeError, TypeError):
            choices.append(_SAMPLES)
        else:
            spec = ast.unparse(part.format_spec)[2:-1] if part.format_spec else ""
            choices.append((format(value, spec),))
    for combination in itertools.product(*choices):
        yield "".join(combination)


def _words(node: ast.expr) -> bool:
    """Whether `node` is a text written in the source with words in it (not `error`, f"{text}\\n")."""
    if isinstance(node, ast.BinOp):
        return _words(node.left) or _words(node.right)
    parts = node.values if isinstance(node, ast.JoinedStr) else [node]
    return any(
        isinstance(part, ast.Constant)
        and isinstance(part.value, str)
        and any(c.isalpha() for c in part.value)
        for part in parts
    )


def _messages(tree: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """(kind, expression) of each message a connector writes: an exception's ("SourceError",
    "Incomplete", "ValueError"), a skipped line's reason or location, a warning's format."""
    excepts = {
        id(node)
        for handler in ast.walk(tree)
        if isinstance(handler, ast.ExceptHandler)
        for node in ast.walk(handler)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in ("SourceError", "Incomplete", "ValueError") and node.args and _words(node.args[0]):
                yield name, node.args[0]
            elif name == "RejectedRecord":
                yield from (("location", kw.value) for kw in node.keywords if kw.arg == "location")
            elif name == "warning" and node.args:
                yield "warning", node.args[0]
            elif name == "append" and node.args and isinstance(node.args[0], ast.Tuple):
                yield from (("reason", e) for e in node.args[0].elts if isinstance(e, ast.JoinedStr))
        elif isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple) and node.value.elts:
            first = node.value.elts[0]
            if _words(first):
                yield "reason", first
        elif isinstance(node, ast.Assign) and id(node) in excepts and _words(node.value):
            yield "reason", node.value  # WhatsApp's `hour = f"… is not a date and time …"`


def _spoken(kind: str, text: str, module: object) -> bool:
    """Whether `text` is said in Spanish: none of its English is left as written."""
    if kind in ("SourceError", "Incomplete"):
        error = getattr(module, kind)(text)
        return text not in said_error(f"{kind}: {error}")
    if kind == "location":
        return said_location(text) != text
    if kind == "warning":
        words = text.replace("%s", "7").replace("%d", "7")
        return words.strip("7/: ") == "" or said_warning(words) != words
    return text not in said_reason(text) or said(text) != text


def connector_messages() -> list[tuple[str, str, list[str]]]:
    """(connector, kind, the texts it can be) of every message in connectors/file.py and whatsapp.py."""
    import importlib

    found = []
    for stem in CONNECTORS:
        module = importlib.import_module(f"socialmon_connectors.{stem}")
        tree = ast.parse((REPO / "connectors" / f"{stem}.py").read_text(encoding="utf-8"))
        found += [(stem, kind, list(_samples(node, module))) for kind, node in _messages(tree)]
    return found


def test_the_search_finds_the_messages_of_every_kind() -> None:
    found = connector_messages()
    assert len(found) >= 40
    kinds = {kind for _, kind, _ in found}
    assert {"SourceError", "Incomplete", "ValueError", "location", "warning", "reason"} <= kinds
    texts = {text for _, _, samples in found for text in samples}
    assert (
        "7: its first sheet (7) is empty; socialmon reads only the first sheet (this workbook has 7)" in texts
    )
    assert "expected 7 columns, found 7" in texts


def test_every_message_of_the_file_and_whatsapp_connectors_is_said_in_spanish(cli_in_spanish: None) -> None:
    """A new message fails here until it has its `N_` line in `_config_words` (FILE_ERRORS,
    FILE_REASONS, FILE_WARNINGS, or MESSAGES for a setting's) and its entry in socialmon/locale."""
    import importlib

    missing = []
    for stem, kind, samples in connector_messages():
        module = importlib.import_module(f"socialmon_connectors.{stem}")
        if not any(_spoken(kind, text, module) for text in samples):
            missing.append((stem, kind, samples[0]))
    assert not missing, missing


def test_the_messages_built_by_functions_are_said_in_spanish(cli_in_spanish: None) -> None:
    from socialmon_connectors import file, whatsapp

    messages = whatsapp.parse_export(CHAT, chat="Rosa Mite", zone=ZoneInfo("America/Guayaquil")).messages
    built = [
        file._orphans_said({"post_id": "c2"}),
        file._orphans_said({"parent_id": "r1"}),
        file._orphans_said({"post_id": "c2", "parent_id": "r1"}),
        whatsapp.no_business_said("chat.txt", messages, names_given=True),
        whatsapp.no_business_said("chat.txt", messages, names_given=False),
        file._short_rows_said([2, 7]),
        file._order_again_said("mdy", "13/03/2026"),
    ]
    for text in built:
        assert said_warning(f"cafe/export: {text}").startswith("cafe/export: "), text
        assert said_warning(f"cafe/export: {text}") != f"cafe/export: {text}", text
    parts = [
        file._found_columns([]),
        file._found_columns(["fecha"]),
        file._listed(["Hoja1", "Datos"]),
        "a JSON array",
        "a JSON object written over several lines",
        str(file._not_a_date("created_at", "31/02/2026", " (no such day or time)")),
    ]
    for text in parts:
        assert text not in said_reason(text), text


def test_report_email_without_recipients_is_said_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path)
    monkeypatch.delenv("SOCIALMON_LANG")  # the brand's language: es
    result = cli.invoke(app, ["report", "--config", str(config), "--email"])
    assert result.exit_code == 2, result.output
    assert (
        "--email: la marca 'cafe' no tiene destinatarios de correo: defina [brands.alerts.email] to = "
        "[...] en la configuración, o indique --email-to DIRECCIÓN"
    ) in " ".join(result.stderr.split()), result.stderr


def test_report_email_with_incomplete_mail_settings_is_said_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, extra="")
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[brands.alerts.email]\nto = ["a@b.ec"]\n', encoding="utf-8"
    )
    monkeypatch.delenv("SOCIALMON_LANG")
    result = cli.invoke(app, ["report", "--config", str(config), "--email"])
    stderr = " ".join(result.stderr.split())
    assert result.exit_code == 2, result.output
    assert (
        "marca 'cafe', campo 'alerts.email.host': necesario para enviar correo: indíquelo aquí o en "
        "[smtp] (host = ...)"
    ) in stderr, stderr
    assert "required to send e-mail" not in stderr
