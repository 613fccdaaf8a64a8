"""Python's cyclic garbage collector, paused while a command (or the alert rules) makes many objects
and no garbage."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Whether this process is the `socialmon` command, which ends with the command it runs (set by
# `cli.main`); not when the commands are called in a process that goes on (the tests).
_process_ends_with_command = False


def process_ends_with_command() -> None:
    """Called by `cli.main`: what a command keeps lives until the process exits (see `keep_until_exit`)."""
    global _process_ends_with_command
    _process_ends_with_command = True


def keep_until_exit() -> None:
    """Never scan again what is alive now, even at exit, when this process is the `socialmon` command.

    At exit the interpreter runs one last full collection over every object still alive (the
    modules, classes, a report's rows), and the first collection after `collector_paused`
    scans everything the block made: for `socialmon report` on the sample the two cost
    ~0.1 s of its ~0.5 s (measured: 0.48 -> 0.41 s median wall; 2,411 -> 2,270 million
    instructions under callgrind) and find next to nothing. Frozen objects are still freed by
    reference counting; only reference cycles among them stay, until the process exits a
    moment later. A process that goes on (tests calling the commands) keeps collecting.
    """
    if _process_ends_with_command:
        gc.freeze()


@contextmanager
def collector_paused(*, lasting: bool = False, until_exit: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside the block; reference counting still frees objects at once.

    Python runs a collection every 700 new container objects, and every tenth one rescans the
    objects that survived the last ones. Loading the commands (classes, functions, SQLAlchemy's
    and pydantic's machinery) and computing a report (an object per comment) make hundreds of
    thousands of objects that stay alive and almost no reference cycles, so those collections
    find nothing and cost a tenth of a report's run. Keep the block to such work (not to a
    long scan, nor to rendering templates); what it leaves in cycles is collected after it.

    `lasting`: what the block made lives as long as the process (modules, classes), so it is
    frozen (`gc.freeze`): no later collection scans it again. `until_exit`: the same, when the
    process ends with the command (see `keep_until_exit`); otherwise collected after the block.
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
        elif until_exit:
            keep_until_exit()
        gc.enable()
