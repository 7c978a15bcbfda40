"""Landings counted per day and channel without a database write per visit.

A landing adds one to a tally in process memory. With REDIS_URL set, a thread of each process
moves its tally into a Redis hash shared by all of them every PUSH_SECONDS, in one round trip
(and at exit), so a landing waits for no Redis answer; the worker writes the hash to the
``landing_counts`` table every few seconds. Without Redis each process writes its own tally at
most every FLUSH_SECONDS (on a later landing, and at exit). The funnel writes what is pending
first, so its figures are exact; another process's landings of the last PUSH_SECONDS reach it
on its next report. A process that is killed (not stopped) loses its last PUSH_SECONDS of counts.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import secrets
import threading
import time
import weakref
from collections import Counter
from datetime import date

import redis
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from ..cache import redis_client
from ..extensions import db
from ..models import LandingCount, utcnow
from . import attribution

log = logging.getLogger("portal.landings")

PENDING = "landings:pending"
# A batch being written: "landings:flushing:<unix time>:<random>". One whose writer died (or
# whose write failed) is taken by a later flush once it is older than ABANDONED_SECONDS; a
# younger one is another worker's, still being written.
FLUSHING = "landings:flushing:"
ABANDONED_SECONDS = 300
FLUSH_SECONDS = 10.0
PUSH_SECONDS = 1.0


class MemoryCounts:
    """This process's counts since its last flush."""

    def __init__(self):
        self._counts: Counter = Counter()
        self._lock = threading.Lock()
        self.flushed_at = time.monotonic()

    def add(self, field: str) -> None:
        with self._lock:
            self._counts[field] += 1

    def add_all(self, counts: dict[str, int]) -> None:
        with self._lock:
            self._counts.update(counts)

    def batches(self):
        with self._lock:
            taken, self._counts = self._counts, Counter()
            self.flushed_at = time.monotonic()
        if taken:
            yield dict(taken), lambda: None

    def due(self) -> bool:
        return time.monotonic() - self.flushed_at >= FLUSH_SECONDS


class RedisCounts:
    """Counts shared by every process in one Redis hash; a flush renames it away atomically.

    A landing only adds to this process's tally; ``push`` moves the tally into the hash.
    """

    def __init__(self, url: str):
        self._redis = redis_client(url)
        self._tally = MemoryCounts()
        self._pusher = 0  # the pid whose pushing thread runs (a fork starts its own)
        self._starting = threading.Lock()
        self._looked_at = 0.0  # when this process last looked for abandoned batches

    def add(self, field: str) -> None:
        self._tally.add(field)
        if self._pusher != os.getpid():
            self._start_pushing()

    def _start_pushing(self) -> None:
        with self._starting:
            if self._pusher == os.getpid():
                return  # another thread of this process just started it
            self._pusher = os.getpid()
            threading.Thread(target=_push_every, args=(weakref.ref(self),), daemon=True,
                             name="landing-counts").start()
            atexit.register(_push_at_exit, weakref.ref(self))

    def push(self) -> None:
        """This process's tally into the shared hash, in one transaction (all or nothing)."""
        for taken, _forget in self._tally.batches():
            try:
                with self._redis.pipeline(transaction=True) as pipe:
                    for field, n in taken.items():
                        pipe.hincrby(PENDING, field, n)
                    pipe.execute()
            except Exception:
                self._tally.add_all(taken)  # tried again on the next push
                raise

    def batches(self):
        """Each batch this flush writes, and how to forget it once written: what was counted
        since the last flush, then the batches dead writers left (looked for once a minute)."""
        self.push()
        now = time.time()
        mine = [key for key in (self._take(PENDING, now),) if key]
        if now - self._looked_at >= 60:
            self._looked_at = now
            for key in self._redis.scan_iter(f"{FLUSHING}*", count=100):
                stamp = key.decode()[len(FLUSHING):].partition(":")[0]
                if stamp.isdigit() and now - int(stamp) >= ABANDONED_SECONDS:
                    mine += [taken for taken in (self._take(key, now),) if taken]
        for key in mine:
            counts = {k.decode(): int(v) for k, v in self._redis.hgetall(key).items()}
            yield counts, lambda key=key: self._redis.delete(key)

    def _take(self, key, now: float) -> str | None:
        """Rename ``key`` to a batch of this flush's own (atomic: of several flushers, one gets
        it); None when it is gone (nothing counted, or taken by another)."""
        batch = f"{FLUSHING}{int(now)}:{secrets.token_hex(8)}"
        try:
            self._redis.rename(key, batch)
        except redis.ResponseError:
            return None
        return batch

    @staticmethod
    def due() -> bool:
        return False  # the worker flushes Redis; a web request never does


def _counts(app: Flask):
    counts = app.extensions.get("landing_counts")
    if counts is None:
        url = app.config.get("REDIS_URL")
        counts = app.extensions["landing_counts"] = RedisCounts(url) if url else MemoryCounts()
        if not url and not app.testing:
            atexit.register(_flush_at_exit, app)
    return counts


def count(touch) -> None:
    """One landing of ``touch``'s campaign and source / medium, today (UTC)."""
    counts = _counts(current_app)
    counts.add(json.dumps([utcnow().date().isoformat(), *attribution.channel(touch)]))
    if counts.due():
        flush()


def flush() -> int:
    """Add the counted landings to the table; return how many were written."""
    written = 0
    for batch, forget in _counts(current_app).batches():
        for field, n in batch.items():
            day, campaign, source, medium = json.loads(field)
            _add(date.fromisoformat(day), campaign[:100], source[:100], medium[:100], n)
        db.session.commit()
        forget()
        written += sum(batch.values())
    return written


def _add(day: date, campaign: str, source: str, medium: str, n: int) -> None:
    """count += n for the row, created when missing (another flusher may create it first)."""
    key = dict(day=day, campaign=campaign, source=source, medium=medium)
    for _ in range(2):
        updated = db.session.execute(
            db.update(LandingCount).filter_by(**key).values(count=LandingCount.count + n),
            execution_options={"synchronize_session": False}).rowcount
        if updated:
            return
        try:
            with db.session.begin_nested():
                db.session.add(LandingCount(count=n, **key))
            return
        except IntegrityError:
            continue  # created meanwhile: add to it


def _push_every(counts_ref) -> None:
    """A process's pushing thread; it ends with the counts it pushes (a test's app)."""
    while True:
        time.sleep(PUSH_SECONDS)
        counts = counts_ref()
        if counts is None:
            return
        try:
            counts.push()
        except Exception:  # the thread must outlive any one failure; the counts are kept
            log.warning("landing counts not moved to Redis; trying again", exc_info=True)
        del counts


def _push_at_exit(counts_ref) -> None:
    counts = counts_ref()
    if counts is not None:
        try:
            counts.push()
        except Exception:  # the process is ending; the log says what was lost
            log.exception("landing counts not moved to Redis at exit")


def _flush_at_exit(app: Flask) -> None:
    try:
        with app.app_context():
            flush()
    except Exception:  # the process is ending; the log says what was lost
        log.exception("landing counts not written at exit")
