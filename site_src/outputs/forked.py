"""An output made in a forked process of its own, from the assembled site, while the build goes on (Output.forked).

On two cores a new day's build was mostly one process: reading, grouping, the feeds and starting the render ran
one after another while the other core waited, and the outputs made while the pages render shared the cores with
the render workers. "For you"'s vectors need only the assembled site and take the most CPU of any output (0.8 s
at 3,956 papers, 5 s at 34,000), so they are made from the moment the site is assembled, in a process forked
then (the site is shared copy-on-write, never pickled; only the output's files come back through a pipe). The
files are the bytes the build would make in its own process. A process that fails in any way (an error, a
kill) hands back nothing, and the build makes the output itself: its error is then raised as ever.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import time
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Forked:
    """`make(*args)` running in a forked process; `result()` waits for (what it returned, its seconds). Without
    `fork` (one core), nothing runs until `result()`, which makes it in this process."""

    def __init__(self, make: Callable, *args, fork: bool = True):
        self._make, self._args, self._process = make, args, None
        if not fork:
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(send, make, args, os.getpid()), daemon=True)
        self._process.start()
        send.close()  # the child's end: once the child exits, a read here ends instead of waiting

    def result(self):
        """What make returned and the seconds it took; made here, in this process, when the child gave nothing."""
        found = None
        if self._process is not None:
            try:
                found = self._receive.recv()
            except (EOFError, OSError):  # it failed, or could not send what it made: made again here
                pass
            finally:
                self._receive.close()
            self._process.join()  # it ends once it has sent
        if found is None:
            start = time.perf_counter()
            return self._make(*self._args), time.perf_counter() - start
        return found

    def close(self) -> None:
        """Stop the process (its result is not wanted when the build failed meanwhile) and reap it."""
        if self._process is None:
            return
        self._receive.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _run(send, make: Callable, args: tuple, parent: int) -> None:
    _die_with(parent)
    start = time.perf_counter()
    try:
        made = make(*args)
    except BaseException:  # the build, making it again itself, raises the error with its own traceback
        return
    try:
        send.send((made, time.perf_counter() - start))
    except OSError:  # the build is gone: nobody to hand it to
        pass


def _die_with(parent: int) -> None:
    """On Linux, this process is killed when the build's process ends, however it ends: a killed build leaves no
    child computing what nobody will read, or waiting to hand it to a render worker that holds the pipe's end."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child ends when it has made the output
        return
    if os.getppid() != parent:  # the build ended before the request was made
        os._exit(0)
