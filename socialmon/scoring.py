"""Sentiment scoring off the event loop's core: a small process pool for big scans.

Scoring is pure-Python CPU work (VADER's rules), so threads cannot overlap it with
parsing and storing. A scan hands each page's texts to worker processes while it
parses and stores the next pages; small batches are scored in-process, where starting
a worker would cost more than it saves.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from socialmon.sentiment import Scorer, Sentiment, get_scorer

INLINE_BELOW = 400  # texts; fewer are scored in-process

_worker_scorer: Scorer | None = None


def _start_worker(scorer_name: str) -> None:
    global _worker_scorer
    _worker_scorer = get_scorer(scorer_name)


def _score_in_worker(texts: Sequence[str]) -> list[Sentiment]:
    assert _worker_scorer is not None
    return _worker_scorer.score_many(texts)


def default_workers() -> int:
    """One core stays with parsing and storing; the rest score (at most 4)."""
    return max(1, min((os.cpu_count() or 2) - 1, 4))


class ScoringPool:
    """Scores batches of texts with `scorer`, in worker processes when a batch is large."""

    def __init__(self, scorer: Scorer, workers: int | None = None) -> None:
        self.scorer = scorer
        self.workers = default_workers() if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None
        self.inline_seconds = 0.0  # scoring done in this process
        self.worker_cpu_seconds = 0.0  # CPU time of the worker processes, known after close()
        self.worker_peak_rss = 0  # bytes, the largest worker's, known after close()

    def scores_inline(self, texts: int) -> bool:
        """Whether a batch of this many texts is scored in-process (no worker would pay for itself)."""
        return self.workers == 0 or texts < INLINE_BELOW

    async def score(self, texts: Sequence[str]) -> list[Sentiment]:
        if not texts:
            return []
        if self.scores_inline(len(texts)):
            started = time.perf_counter()
            sentiments = self.scorer.score_many(texts)
            self.inline_seconds += time.perf_counter() - started
            return sentiments
        if self._executor is None:
            # spawn, not fork: the scan has threads running, and forking those is unsafe.
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.scorer.name,),
            )
        return await asyncio.get_running_loop().run_in_executor(self._executor, _score_in_worker, texts)

    def close(self) -> None:
        if self._executor is not None:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are counted once they are reaped
            self.worker_cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            self.worker_peak_rss = after.ru_maxrss * 1024
