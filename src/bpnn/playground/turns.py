"""Fair turns at the CPU for the playground's sessions.

Every piece of CPU work a session asks for (an epoch and its picture, new settings, an explain)
waits for a turn. The turns go one at a time (``workers`` at a time) to the waiting session that
has used the least CPU time so far, the rule of fair-share schedulers such as Linux's CFS. A tab
that steps now and then has used little, so its step runs as soon as the piece under way ends,
however many tabs play big networks beside it; tabs that play all the time take turns among
themselves. A session that comes back after a pause is counted from where the others are (less
one ``slice``), so that it cannot save up time while idle and then hold the CPU.

The work runs in the scheduler's own threads (as many as ``workers``), so the event loop stays
free to answer pages, WebSockets and ``/healthz``.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class Turns:
    """Runs functions in worker threads, one turn at a time, the least-served owner first.

    Parameters
    ----------
    workers : int, default=1
        How many pieces of work run at once.
    slice : float, default=0.05
        Seconds of credit a session coming back from idle gets over the busiest ones.
    clock : callable, default=time.perf_counter
        The clock a turn's time is read from (seconds).
    """

    def __init__(self, workers: int = 1, slice: float = 0.05, clock: Callable[[], float] = time.perf_counter):
        self.workers, self.slice, self._clock = workers, slice, clock
        self._used: dict[Any, float] = {}  # owner -> CPU seconds its turns took (wall time of the work)
        self._floor = 0.0  # the used time of the last owner given a turn
        self._queue: list[tuple] = []  # (order, owner, future) of the waiting work
        self._running = 0
        self._order = itertools.count()
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="bpnn-playground")

    def waiting(self, owner) -> bool:
        """Whether ``owner`` waits for a turn (its work has not started)."""
        return any(entry[1] is owner for entry in self._queue)

    async def run(self, owner, function: Callable, *args):
        """``function(*args)`` in a worker thread when ``owner``'s turn comes; returns its result.

        Cancelled while waiting, the work never runs. Cancelled while running, the turn is held until
        the thread finishes (a thread cannot be stopped halfway), so that turns never overlap.
        """
        loop = asyncio.get_running_loop()
        used = max(self._used.get(owner, 0.0), self._floor - self.slice)
        self._used[owner] = used
        if self._running < self.workers and not self._queue:
            self._start(used)
        else:
            turn = loop.create_future()
            entry = (next(self._order), owner, turn)
            self._queue.append(entry)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._finish(owner, self._clock())  # given the turn as it was cancelled: pass it on
                elif entry in self._queue:  # (or already dropped by _finish, seeing its turn cancelled)
                    self._queue.remove(entry)
                raise
        start = self._clock()
        job = loop.run_in_executor(self._executor, function, *args)
        try:
            return await asyncio.shield(job)
        finally:
            if job.done():
                self._finish(owner, start)
            else:
                job.add_done_callback(lambda _: self._finish(owner, start))

    def forget(self, owner) -> None:
        """Drop what is known of ``owner`` (its tab closed)."""
        self._used.pop(owner, None)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _start(self, used: float) -> None:
        self._running += 1
        self._floor = max(self._floor, used)

    def _finish(self, owner, start: float) -> None:
        if owner in self._used:
            self._used[owner] += self._clock() - start
        self._running -= 1
        while self._queue and self._running < self.workers:
            # the least served now (the time of the work that just ended counted), first come on a tie
            entry = min(self._queue, key=lambda e: (self._used.get(e[1], 0.0), e[0]))
            self._queue.remove(entry)
            if entry[2].done():  # cancelled as it was about to get its turn
                continue
            self._start(self._used.get(entry[1], 0.0))
            entry[2].set_result(None)


__all__ = ["Turns"]
