"""Sentiment scoring off the event loop's core: a small process pool for big scans.

Scoring is pure-Python CPU work (VADER's rules), so threads cannot overlap it with
parsing and storing. A scan hands each page's texts to worker processes while it
parses and stores the next pages; small batches are scored in-process, where starting
a worker would cost more than it saves.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from socialmon.sentiment import Scorer, Sentiment, get_scorer

if TYPE_CHECKING:
    # Imported when the first batch big enough for workers comes, not with the scan: a scan of a
    # few texts (the quick start's 31) starts no worker and needs no multiprocessing machinery.
    from concurrent.futures import ProcessPoolExecutor

INLINE_BELOW = 400  # texts; fewer are scored in-process

_worker_scorer: Scorer | None = None


WATCHDOG_INTERVAL = 0.5  # seconds between a worker's checks that its scan is still alive
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _exit_with_parent(parent: int) -> None:
    """End this worker when the scan that started it dies, even by SIGKILL.

    A worker blocks on its task queue, whose pipe it holds both ends of, so it would wait
    forever for a dead scan (and keep the resource tracker alive with it). On Linux the
    kernel sends SIGKILL when the parent goes (prctl PR_SET_PDEATHSIG; strictly, when the
    thread that started the worker ends: workers are started by the thread calling `score`,
    a scan's event loop thread, which outlives the pool); everywhere, a watchdog thread notices that the
    parent changed and exits.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc to call: the watchdog still works
            pass
    if os.getppid() != parent:  # the scan died before the request was made
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="socialmon-parent-watchdog", daemon=True).start()


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread meanwhile, and for life in the worker processes started here
    (a signal mask is kept through fork and exec, and Python does not unblock it).

    A Ctrl-C at a terminal goes to the whole process group. It is the scan's to handle: it keeps
    what it stored and closes the pool. A worker that took it died printing a KeyboardInterrupt
    traceback, or "Fatal Python error: init_import_site" when it came during its start-up. A
    Ctrl-C while blocked here is delivered to the scan once the mask is restored, not lost.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _start_worker(
    scorer_name: str, parent: int | None = None, languages: Sequence[str] | None = None
) -> None:
    global _worker_scorer
    if parent is not None:
        _exit_with_parent(parent)
    _worker_scorer = get_scorer(scorer_name, languages)


def _score_in_worker(texts: Sequence[str], hint: str | None = None) -> list[Sentiment]:
    assert _worker_scorer is not None
    return _worker_scorer.score_many(texts, hint)


def default_workers() -> int:
    """One core stays with parsing and storing; the rest score (at most 4)."""
    return max(1, min((os.cpu_count() or 2) - 1, 4))


class ScoringPool:
    """Scores batches of texts with `scorer`, in worker processes when a batch is large."""

    def __init__(self, scorer: Scorer, workers: int | None = None) -> None:
        self.scorer = scorer
        self.workers = default_workers() if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None
        self._broken = False  # a worker was killed: the rest of the scan scores in-process
        self.inline_seconds = 0.0  # scoring done in this process
        self.worker_cpu_seconds = 0.0  # CPU time of the worker processes, known after close()
        self.worker_peak_rss = 0  # bytes, the largest worker's, known after close()

    def scores_inline(self, texts: int) -> bool:
        """Whether a batch of this many texts is scored in-process (no worker would pay for itself)."""
        return self.workers == 0 or self._broken or texts < INLINE_BELOW

    async def score(self, texts: Sequence[str], hint: str | None = None) -> list[Sentiment]:
        """Scores of `texts`; `hint` is their brand's language (see `Scorer.score_many`)."""
        if not texts:
            return []
        if self.scores_inline(len(texts)):
            return self._score_inline(texts, hint)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if self._executor is None:
            # spawn, not fork: the scan has threads running, and forking those is unsafe.
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.scorer.name, os.getpid(), getattr(self.scorer, "languages", None)),
            )
        try:
            with _sigint_blocked():  # the workers a submit starts are started in here
                scored = asyncio.get_running_loop().run_in_executor(
                    self._executor, _score_in_worker, texts, hint
                )
            return await scored
        except BrokenProcessPool:
            # A worker was killed: by the SIGTERM that `timeout` and systemd send to the whole
            # process group (the scan itself then stops after its current page), or by the OOM
            # killer. The page is still scored, here.
            self._broken = True
            return self._score_inline(texts, hint)

    def _score_inline(self, texts: Sequence[str], hint: str | None = None) -> list[Sentiment]:
        started = time.perf_counter()
        sentiments = self.scorer.score_many(texts, hint)
        self.inline_seconds += time.perf_counter() - started
        return sentiments

    def close(self) -> None:
        if self._executor is not None:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are counted once they are reaped
            self.worker_cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            self.worker_peak_rss = after.ru_maxrss * 1024
