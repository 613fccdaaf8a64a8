"""Python's cyclic garbage collector, paused while a command makes many objects and no garbage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, lasting: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside the block; reference counting still frees objects at once.

    Python runs a collection every 700 new container objects, and every tenth one rescans the
    objects that survived the last ones. Loading the commands (classes, functions, SQLAlchemy's
    and pydantic's machinery) and computing a report (an object per comment) make hundreds of
    thousands of objects that stay alive and almost no reference cycles, so those collections
    find nothing and cost a tenth of a report's run. Keep the block to such work (not to a
    long scan, nor to rendering templates); what it leaves in cycles is collected after it.

    `lasting`: what the block made lives as long as the process (modules, classes), so it is
    frozen (`gc.freeze`): no later collection scans it again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if lasting:
            gc.freeze()
        gc.enable()
