"""lingua's models loaded by a helper process: the same languages as without it, whatever befalls it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.cli import scan as scan_cli
from socialmon.sentiment import _langid, _lingua_process
from socialmon.sentiment.multilingual import MultilingualScorer

# Written for these tests: short and long, each language, sink languages, words that decide
# nothing ("ok", "Excelente"), emoji, mixed — texts that reach each of the three detectors.
TEXTS = [
    "hola amigo",
    "¡Qué rico! Mañana paso temprano",
    "great bread but the service was slow",
    "muito bom o pão, voltarei",
    "c'est très bon, merci beaucoup",
    "ciao bella, grazie mille per tutto",
    "das Brot war sehr gut, danke",
    "ok",
    "Excelente",
    "the cake 😍😍",
    "no me gustó nada el trato",
    "pésimo servicio, nunca más vuelvo",
    "buenísimo el pan de yuca",
    "Obrigada pela atenção de sempre!",
    "precio? delivery?",
]


def _languages(codes: tuple[str, ...]) -> list[str]:
    scorer = MultilingualScorer(codes)
    return [scorer.detect_language(text, "es") for text in TEXTS]


LANGUAGE_SETS = [("es", "en"), ("es",), ("en", "es", "pt")]


# Slow: a real helper process for each language set, each loading lingua's models (0.6-1.5 s of CPU
# apiece). The quick test below asks the very same helper code, run in a thread.
@pytest.mark.slow
@pytest.mark.parametrize("codes", LANGUAGE_SETS)
def test_the_helper_gives_the_languages_the_process_gives_itself(codes: tuple[str, ...]) -> None:
    expected = _languages(codes)
    with _langid.models_loaded_ahead(codes):
        helper = _langid._helper
        assert helper is not None and helper._process is not None
        assert _languages(codes) == expected
        process = helper._process
    assert _langid._helper is None
    assert process.poll() is not None  # the block ended it


class HelperInAThread:
    """What `LinguaProcess` uses of the `Popen` it starts, with the helper script's own `_serve` run
    in a thread of this process (whose lingua has loaded the models already) instead of a new
    Python: the spec read from the same command line, the questions and answers on real pipes,
    encoded as the parent's pipes and the script's `__main__` encode them. The process itself is
    the slow test above's, and test_a_helper_that_dies and
    test_the_helper_answers_an_error_for_a_question_it_cannot_read_and_goes_on start real ones."""

    def __init__(self, command: list[str], **options: Any) -> None:
        assert command[:3] == [sys.executable, "-P", _lingua_process.__file__]
        spec = json.loads(command[3])
        questions_read, questions_written = os.pipe()
        answers_read, answers_written = os.pipe()
        codec = {"encoding": options["encoding"], "errors": options["errors"]}
        self.stdin = open(questions_written, "w", **codec)  # noqa: SIM115 (LinguaProcess closes both)
        self.stdout = open(answers_read, **codec)  # noqa: SIM115
        self.returncode: int | None = None
        self.answered = 0

        def counted(questions: Any) -> Iterator[str]:
            for line in questions:
                self.answered += 1
                yield line

        def serve() -> None:
            with (
                open(questions_read, encoding="utf-8", errors="surrogatepass") as questions,
                open(answers_written, "w", encoding="utf-8") as answers,
            ):
                _lingua_process._serve(spec, counted(questions), answers)  # type: ignore[arg-type]

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()

    def poll(self) -> int | None:
        return self.returncode

    def kill(self) -> None:
        self.stdin.close()  # the script's loop ends with its questions

    def wait(self) -> int:
        self._thread.join()
        self.returncode = -9
        return self.returncode


@pytest.mark.parametrize("codes", LANGUAGE_SETS)
def test_the_helpers_detectors_give_the_languages_the_process_gives_itself(
    codes: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _languages(codes)
    monkeypatch.setattr(_lingua_process.subprocess, "Popen", HelperInAThread)
    with _langid.models_loaded_ahead(codes):
        helper = _langid._helper
        assert helper is not None and isinstance(helper._process, HelperInAThread)
        assert _languages(codes) == expected
        process = helper._process  # still there: no answer was refused or lost
        assert process is not None and process.poll() is None
    assert process.answered > 0  # the languages above came from its detectors' confidences
    assert _langid._helper is None
    assert process.poll() is not None  # the block ended it


def test_a_helper_that_dies_is_replaced_by_the_processs_own_detectors() -> None:
    expected = _languages(("es", "en"))
    with _langid.models_loaded_ahead(("es", "en")):
        scorer = MultilingualScorer(("es", "en"))
        first = [scorer.detect_language(text, "es") for text in TEXTS[:3]]
        helper = _langid._helper
        assert helper is not None and helper._process is not None
        helper._process.kill()
        helper._process.wait()
        rest = [scorer.detect_language(text, "es") for text in TEXTS[3:]]
    assert first + rest == expected


def test_a_helper_that_cannot_start_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _languages(("es", "en"))
    monkeypatch.setattr(_lingua_process.sys, "executable", "/nonexistent/python")
    with _langid.models_loaded_ahead(("es", "en")):
        helper = _langid._helper
        assert helper is not None and helper._process is None
        assert _languages(("es", "en")) == expected


def test_the_helper_answers_an_error_for_a_question_it_cannot_read_and_goes_on() -> None:
    script = _lingua_process.__file__
    spec = '{"ours": ["ENGLISH", "SPANISH"], "sinks": ["FRENCH"], "low": true}'
    done = subprocess.run(
        [sys.executable, "-P", script, spec],
        input='["nope", "hola"]\nnot json\n["ours", "hola amigo"]\n',
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert [line.startswith('{"error"') for line in lines] == [True, True, False]
    assert {name for name, _ in json.loads(lines[2])} == {"ENGLISH", "SPANISH"}


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real = _lingua_process.LinguaProcess.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(args)
        real(self, *args, **kwargs)

    monkeypatch.setattr(_lingua_process.LinguaProcess, "__init__", spy)
    return calls


def test_only_a_scan_into_a_new_database_starts_the_helper(
    tmp_path: Path, cli: CliRunner, started: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIALMON_MODELS_AHEAD", "1")  # the tests' default is 0 (see conftest.py)
    if not scan_cli._models_ahead_wanted():
        pytest.skip("one core: the scan loads the models itself")
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1", text="hola amigo, qué tal el pan")])
    config = write_config(tmp_path, extra='[sentiment]\nscorer = "multilingual"\nlanguages = ["es", "en"]\n')
    first = cli.invoke(app, ["scan", "--quiet", "--config", str(config)])
    assert first.exit_code == 0, first.output
    assert len(started) == 1
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1"), comment("c2", text="ok")])
    again = cli.invoke(app, ["scan", "--quiet", "--config", str(config)])
    assert again.exit_code == 0, again.output
    assert len(started) == 1  # the database exists: the models load here, if a text needs them
    assert _langid._helper is None


def test_socialmon_models_ahead_0_keeps_the_models_in_the_scans_process(
    tmp_path: Path, cli: CliRunner, started: list[Any]
) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1", text="hola amigo, qué tal el pan")])
    config = write_config(tmp_path)
    assert cli.invoke(app, ["scan", "--quiet", "--config", str(config)]).exit_code == 0
    assert started == []


def test_closing_the_helper_does_not_wait_for_its_models_to_load() -> None:
    helper = _lingua_process.LinguaProcess(*_langid._detector_languages(("en", "es", "pt")))
    assert helper._process is not None
    process = helper._process
    helper.close()  # at once, while it is still loading the three languages' models
    assert process.poll() is not None and process.returncode != 0  # killed, not waited for
    assert helper.confidences("ours", "hola amigo") is None  # closed: the caller asks its own
