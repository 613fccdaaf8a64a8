"""lingua's language models, loaded by a helper process while a scan into a new database starts.

lingua holds the GIL for as long as it loads a model: a thread loading the Spanish and English
models stopped every other thread for the whole 0.36 s it took (measured), so no thread can hide
it. On the quick start's sample that load was a third of `socialmon scan` (0.95 s; 0.61 s with
the models free). A second process can hide it, on the other core, while the scan imports its
modules and opens the database: this file, run as a script (it imports only lingua and json),
builds the detectors `LanguageIdentifier` builds, loads their models at once, then answers one
text at a time over its stdin and stdout: the confidences lingua computes, the same numbers
(floats travel as JSON's shortest exact repr). Whatever goes wrong with the helper (it cannot
start, dies, or fails on a text), the identifier asks its own detectors instead, which load the
models in-process as before: the results are the same either way, only the time differs.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO, Any, NamedTuple

if __name__ != "__main__":  # in socialmon; the helper, run as a script, needs none of this
    from lingua import Language


class Confidence(NamedTuple):
    """As lingua's `ConfidenceValue`: what `LanguageIdentifier` reads of it."""

    language: Language
    value: float


class LinguaProcess:
    """A helper process holding lingua detectors for `ours` (plus `sinks`), models loaded at start."""

    def __init__(
        self, ours: Sequence[Language], sinks: Sequence[Language], low_accuracy: bool = False
    ) -> None:
        self.spec = (tuple(ours), tuple(sinks), low_accuracy)
        self._languages = {language.name: language for language in (*ours, *sinks)}
        self._lock = threading.Lock()  # one question and its answer at a time on the pipes
        self._process: subprocess.Popen[str] | None = None
        spec = {
            "ours": [lang.name for lang in ours],
            "sinks": [lang.name for lang in sinks],
            "low": low_accuracy,
        }
        try:
            self._process = subprocess.Popen(
                # -P: the script's folder (socialmon/sentiment, with its base.py, registry.py, …)
                # is not put first on sys.path, where it could shadow a library's module.
                [sys.executable, "-P", __file__, json.dumps(spec)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                errors="surrogatepass",
            )
        except OSError:
            self._process = None

    def serves(self, ours: Sequence[Language], sinks: Sequence[Language], low_accuracy: bool) -> bool:
        return self._process is not None and self.spec == (tuple(ours), tuple(sinks), low_accuracy)

    def confidences(self, detector: str, text: str) -> list[Confidence] | None:
        """lingua's confidences for `text` from the helper's `detector` ("ours", "every" or
        "quick"); None when the helper cannot answer (the caller asks its own detector)."""
        with self._lock:
            process = self._process
            if process is None or process.stdin is None or process.stdout is None:
                return None
            try:
                process.stdin.write(json.dumps([detector, text]) + "\n")
                process.stdin.flush()
                answer = json.loads(process.stdout.readline())
                if not isinstance(answer, list):  # {"error": …}: lingua refused the text
                    raise ValueError(answer)
                return [Confidence(self._languages[name], float(value)) for name, value in answer]
            except (OSError, ValueError, TypeError, KeyError):
                # Dead, or an answer that is not one (its "error" for a text lingua refused):
                # from here on the identifier's own detectors answer, for every text alike.
                self._stop(process)
                return None

    def close(self) -> None:
        with self._lock:
            if self._process is not None:
                self._stop(self._process)

    def _stop(self, process: subprocess.Popen[str]) -> None:
        # Killed, not asked to finish: it holds nothing worth keeping, and a scan that needed no
        # model (texts decided by their words, an empty export, an error) must not wait for its
        # loading to end (0.27 s measured).
        self._process = None
        process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _serve(spec: dict[str, Any], questions: IO[str], answers: IO[str]) -> None:
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    ours = [Lingua.from_str(name) for name in spec["ours"]]
    every = [*ours, *(Lingua.from_str(name) for name in spec["sinks"])]

    def build(languages: list[Any], low: bool, preload: bool) -> Any:
        builder = LanguageDetectorBuilder.from_languages(*languages)
        if low:
            builder = builder.with_low_accuracy_mode()
        if preload:
            builder = builder.with_preloaded_language_models()
        return builder.build()

    # As LanguageIdentifier builds them; the sinks' full models load only if a text needs them.
    detectors = {
        "ours": build(ours, spec["low"], True) if len(ours) > 1 else None,
        "quick": build(every, True, True),
        "every": build(every, spec["low"], False),
    }
    for line in questions:
        try:
            detector, text = json.loads(line)
            found = detectors[detector].compute_language_confidence_values(text)
            answer: Any = [[result.language.name, result.value] for result in found]
        except Exception as error:  # said to the parent, which then asks its own detectors
            answer = {"error": repr(error)}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    sys.stdin.reconfigure(encoding="utf-8", errors="surrogatepass")  # type: ignore[attr-defined]
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
    _serve(json.loads(sys.argv[1]), sys.stdin, sys.stdout)
