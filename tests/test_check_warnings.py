"""`socialmon check` says what `scan` would then fail on or get wrong (QA walkthrough).

- A `file` channel whose path holds `.xlsx` workbooks while openpyxl is not installed: `check` said
  "all valid", then `scan` failed "reading .xlsx files needs openpyxl". Now a problem, with the
  install command.
- A `whatsapp_export` channel without `business_names`: `check` said "all valid", then every reply
  of the business counted as the customer's (0 % response rate). Now a warning: `check` still passes.

Connectors say these through `Connector.check_setup()` (connectors/base.py), in English; the CLI
says them again in Spanish and Portuguese from its catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest
from helpers import run_in_process, write_config

from socialmon_connectors import ChannelContext
from socialmon_connectors.base import Connector
from socialmon_connectors.file import FileConnector

INSTALL = "pip install 'socialmon[spreadsheets]'"
WHATSAPP = '[[brands.channels]]\nname = "chats"\nplatform = "whatsapp_export"\npath = "chats"\n'
SHEETS = '[[brands.channels]]\nname = "planillas"\nplatform = "file"\npath = "planillas"\n'


def workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["type", "id", "text", "created_at"])
    sheet.append(["post", "p1", "Pan de yuca recién salido", "2026-11-20 08:00"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def chat(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Chat de WhatsApp con Rosa Mite.txt").write_text(
        "20/11/26, 08:02 - Rosa Mite: Hola, ¿tienen pan de yuca?\n"
        "20/11/26, 08:40 - Café Uno: Sí, recién salido\n",
        encoding="utf-8",
    )


def hide_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl as if not installed from here on: `import openpyxl` raises ImportError (None in
    sys.modules). Called once the test's workbooks are written (saving one imports parts of it)."""
    for name in [name for name in sys.modules if name == "openpyxl" or name.startswith("openpyxl.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "openpyxl", None)


def lines(output: str, label: str) -> list[str]:
    return [" ".join(line.split()) for line in output.splitlines() if line.startswith(f"{label}:")]


def test_xlsx_files_without_openpyxl_are_a_problem_naming_the_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook(tmp_path / "planillas" / "facebook.xlsx")
    hide_openpyxl(monkeypatch)
    (tmp_path / "planillas" / "google.csv").write_text("type,id,text\npost,g1,hola\n", encoding="utf-8")
    config = write_config(tmp_path, channels=SHEETS).resolve()
    result = run_in_process("check", "--config", str(config))
    assert result.exit_code == 2, result.output
    assert lines(result.stderr, "problem") == [
        f"problem: {config}: brand 'cafe', channel 'planillas', field 'path': facebook.xlsx: reading .xlsx "
        f"files needs openpyxl, which is not installed: {INSTALL} (or save the sheets as CSV)"
    ]
    assert "all valid" not in result.output
    # and `scan` fails on it as `check` said it would
    scan = run_in_process("scan", "--config", str(config))
    assert "needs openpyxl" in scan.output


def test_xlsx_files_with_openpyxl_installed_pass(tmp_path: Path) -> None:
    workbook(tmp_path / "planillas" / "facebook.xlsx")
    config = write_config(tmp_path, channels=SHEETS).resolve()
    result = run_in_process("check", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "all valid" in result.stdout


def test_a_named_xlsx_file_or_format_xlsx_needs_openpyxl_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook(tmp_path / "one.xlsx")
    (tmp_path / "export.txt").write_bytes((tmp_path / "one.xlsx").read_bytes())
    hide_openpyxl(monkeypatch)
    named = FileConnector.Settings(path="one.xlsx")
    forced = FileConnector.Settings(path="export.txt", format="xlsx")
    csv_only = FileConnector.Settings(path="one.xlsx", format="csv")
    found = {
        name: FileConnector(settings, ChannelContext("cafe", "x", "", base_dir=tmp_path)).check_setup()
        for name, settings in (("named", named), ("forced", forced), ("csv", csv_only))
    }
    assert [note.field for note in found["named"]] == ["path"]
    assert "export.txt" in found["forced"][0].message
    assert found["csv"] == []


def test_a_csv_only_folder_does_not_need_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hide_openpyxl(monkeypatch)
    (tmp_path / "planillas").mkdir()
    (tmp_path / "planillas" / "google.csv").write_text("type,id,text\npost,g1,hola\n", encoding="utf-8")
    config = write_config(tmp_path, channels=SHEETS).resolve()
    result = run_in_process("check", "--config", str(config))
    assert result.exit_code == 0, result.output


def test_whatsapp_without_business_names_is_a_warning_and_check_passes(tmp_path: Path) -> None:
    chat(tmp_path / "chats")
    config = write_config(tmp_path, channels=WHATSAPP).resolve()
    result = run_in_process("check", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert lines(result.stderr, "warning") == [
        f"warning: {config}: brand 'cafe', channel 'chats', field 'business_names': not set: until it "
        "is, the business's own replies count as the customer's messages (0 % response rate, every "
        "chat waiting); set it to the name(s) the business's own messages are sent under, as the "
        "export writes them"
    ]
    assert lines(result.stderr, "problem") == []
    assert "all valid" in result.stdout

    config.write_text(
        config.read_text(encoding="utf-8") + 'business_names = ["Café Uno"]\n', encoding="utf-8"
    )
    fixed = run_in_process("check", "--config", str(config))
    assert fixed.exit_code == 0 and lines(fixed.stderr, "warning") == [], fixed.output


def test_a_disabled_whatsapp_channel_is_not_warned_about(tmp_path: Path) -> None:
    chat(tmp_path / "chats")
    config = write_config(tmp_path, channels=WHATSAPP + "enabled = false\n" + SHEETS).resolve()
    workbook(tmp_path / "planillas" / "facebook.xlsx")
    result = run_in_process("check", "--config", str(config))
    assert lines(result.stderr, "warning") == [], result.output


@pytest.mark.parametrize(
    ("language", "warning", "problem"),
    [
        (
            "es",
            "advertencia: {config}: marca 'cafe', canal 'chats', campo 'business_names': no está "
            "definido: mientras no lo esté, las respuestas del propio negocio cuentan como mensajes del "
            "cliente (tasa de respuesta del 0 %, todos los chats en espera); defínalo con el nombre o "
            "los nombres con que se envían los mensajes del propio negocio, tal como los escribe la "
            "exportación",
            "problema: {config}: marca 'cafe', canal 'planillas', campo 'path': facebook.xlsx: para "
            "leer archivos .xlsx se necesita openpyxl, que no está instalado: {install} (o guarde las "
            "hojas como CSV)",
        ),
        (
            "pt",
            "atenção: {config}: marca 'cafe', canal 'chats', campo 'business_names': não está "
            "definido: enquanto não estiver, as respostas da própria empresa contam como mensagens do "
            "cliente (taxa de resposta de 0 %, todas as conversas aguardando resposta); defina-o com o "
            "nome ou os nomes com que as mensagens da própria empresa são enviadas, como a exportação "
            "os escreve",
            "problema: {config}: marca 'cafe', canal 'planillas', campo 'path': facebook.xlsx: ler "
            "arquivos .xlsx exige o openpyxl, que não está instalado: {install} (ou salve as planilhas "
            "como CSV)",
        ),
    ],
)
def test_check_says_both_in_spanish_and_portuguese(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    warning: str,
    problem: str,
) -> None:
    monkeypatch.setenv("SOCIALMON_LANG", language)
    hide_openpyxl(monkeypatch)
    chat(tmp_path / "chats")
    workbook_bytes = tmp_path / "planillas" / "facebook.xlsx"
    workbook_bytes.parent.mkdir()
    workbook_bytes.write_bytes(b"PK\x03\x04")  # only its name counts here
    config = write_config(tmp_path, channels=WHATSAPP + SHEETS).resolve()
    result = run_in_process("check", "--config", str(config))
    assert result.exit_code == 2, result.output
    said = [line for line in result.stderr.splitlines() if line.strip()]
    said = [" ".join(line.split()) for line in said]
    assert warning.format(config=config) in said, said
    assert problem.format(config=config, install=INSTALL) in said, said


def test_a_connector_without_the_hook_is_checked_as_before() -> None:
    """A third-party connector written before `check_setup` existed inherits one that finds nothing."""
    from socialmon_connectors.base import SetupNote

    class Old(Connector):
        name = "old"

        async def pages(self, cursor):  # type: ignore[no-untyped-def, override]
            yield  # pragma: no cover

    assert Old(Old.Settings(), ChannelContext("b", "c", "")).check_setup() == []
    assert SetupNote("path", "x").warning is False
