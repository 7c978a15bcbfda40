"""In-memory sandbox state behind one lock, with an optional JSON state file."""

from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
from datetime import datetime, timedelta, timezone


def format_time(moment: datetime) -> str:
    """Format a datetime as RFC 3339 UTC with milliseconds and a Z suffix."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def empty_data() -> dict:
    """Return an empty state skeleton."""
    return {
        "branches": [], "roles": [], "systems": [], "offers": [],
        "accounts": {}, "tradingAccounts": {}, "loginCounters": {}, "tokens": {},
    }


class Store:
    """Holds all broker data; callers take `lock` around reads and writes of `data`."""

    def __init__(self, state_file: str | None = None):
        self.lock = threading.RLock()
        self.state_file = state_file
        self.clock_offset = timedelta(0)
        self.data = empty_data()

    def now(self) -> datetime:
        """Return the sandbox clock: UTC now plus `clock_offset`."""
        return datetime.now(timezone.utc) + self.clock_offset

    def timestamp(self) -> str:
        """Return the sandbox clock formatted as RFC 3339."""
        return format_time(self.now())

    def replace(self, data: dict) -> None:
        """Replace the whole state (used by seeding and reset) and persist it."""
        with self.lock:
            self.data = data
            self.save()

    def offer(self, offer_uuid) -> dict | None:
        """Return the offer with this uuid, or None."""
        return next((o for o in self.data["offers"] if o["uuid"] == offer_uuid), None)

    def system(self, system_uuid) -> dict | None:
        """Return the trading system with this uuid, or None."""
        return next((s for s in self.data["systems"] if s["uuid"] == system_uuid), None)

    def account(self, account_uuid) -> dict | None:
        """Return the stored account record, or None."""
        return self.data["accounts"].get(account_uuid) if isinstance(account_uuid, str) else None

    def account_by_email(self, email: str, exact: bool = False) -> dict | None:
        """Find an account by email, case-insensitively unless `exact`."""
        for record in self.data["accounts"].values():
            stored = record["email"]
            if stored == email or (not exact and stored.lower() == email.lower()):
                return record
        return None

    def next_login(self, system_uuid: str) -> str:
        """Allocate the next login number on a trading system."""
        counters = self.data["loginCounters"]
        counters[system_uuid] = counters.get(system_uuid, 100000) + 1
        return str(counters[system_uuid])

    def counts(self) -> dict:
        """Return record counts for the control endpoint."""
        with self.lock:
            trading = list(self.data["tradingAccounts"].values())
            pending = sum(1 for t in trading if t["status"] == "PENDING")
            return {
                "accounts": len(self.data["accounts"]),
                "tradingAccounts": len(trading) - pending,
                "pendingTradingAccounts": pending,
                "offers": len(self.data["offers"]),
                "branches": len(self.data["branches"]),
                "roles": len(self.data["roles"]),
                "systems": len(self.data["systems"]),
                "time": self.timestamp(),
            }

    def snapshot(self) -> dict:
        """Return a deep copy of the state."""
        with self.lock:
            return copy.deepcopy(self.data)

    def load(self) -> bool:
        """Load the state file if it exists; return whether anything was loaded."""
        if not self.state_file or not os.path.exists(self.state_file):
            return False
        with open(self.state_file, encoding="utf-8") as handle:
            loaded = json.load(handle)
        with self.lock:
            data = empty_data()
            data.update(loaded)
            self.data = data
        return True

    def save(self) -> None:
        """Write the state file atomically (temp file + os.replace) when one is configured."""
        if not self.state_file:
            return
        with self.lock:
            text = json.dumps(self.data, indent=1, sort_keys=True)
            folder = os.path.dirname(os.path.abspath(self.state_file))
            os.makedirs(folder, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temp, self.state_file)
            except BaseException:
                if os.path.exists(temp):
                    os.unlink(temp)
                raise
