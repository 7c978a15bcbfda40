"""Fault injection rules: latency, errors, rate limits, timeouts, resets, commit-then-fail."""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass

KINDS = ("latency", "error", "rate_limit", "timeout", "reset", "commit_then_fail")
THEN_KINDS = ("error", "timeout")


@dataclass
class FaultRule:
    """One fault rule; `times` None means unlimited, `fired` counts how often it struck."""

    kind: str
    endpoint: str | None = None
    method: str | None = None
    times: int | None = None
    share: float = 1.0
    latency_ms: int = 0
    status: int = 500
    retry_after: int | None = None
    then: str = "error"
    skip: int = 0
    fired: int = 0
    passed: int = 0

    def matches(self, endpoint: str, method: str) -> bool:
        """Tell whether the rule applies to this endpoint and method and is not spent."""
        if self.times is not None and self.fired >= self.times:
            return False
        if self.endpoint is not None and self.endpoint != endpoint:
            return False
        return self.method is None or self.method.upper() == method.upper()

    def as_dict(self) -> dict:
        """Return the rule as a plain dict."""
        return asdict(self)


class Faults:
    """Thread-safe list of fault rules with a seeded random source for `share`."""

    def __init__(self, seed: int = 0):
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []
        self.rng = random.Random(seed)

    def reseed(self, seed: int) -> None:
        """Reset the random source so `share` decisions repeat."""
        with self._lock:
            self.rng = random.Random(seed)

    def add(self, kind: str, *, endpoint=None, method=None, times=None, share=1.0,
            latency_ms=0, status=500, retry_after=None, then="error", skip=0) -> FaultRule:
        """Add a rule and return it; ``skip`` lets that many matching requests through first."""
        if kind not in KINDS:
            raise ValueError(f"Unknown fault kind '{kind}', expected one of {', '.join(KINDS)}")
        if then not in THEN_KINDS:
            raise ValueError("Fault 'then' must be 'error' or 'timeout'")
        if not 0.0 <= float(share) <= 1.0:
            raise ValueError("Fault 'share' must be between 0 and 1")
        if not 400 <= int(status) <= 599:
            raise ValueError("Fault 'status' must be a 4xx or 5xx code")
        rule = FaultRule(
            kind=kind, endpoint=endpoint, method=method,
            times=None if times is None else int(times), share=float(share),
            latency_ms=int(latency_ms), status=int(status),
            retry_after=None if retry_after is None else int(retry_after), then=then,
            skip=int(skip),
        )
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove all rules."""
        with self._lock:
            self.rules.clear()

    def pick(self, endpoint: str, method: str) -> tuple[int, FaultRule | None]:
        """Return the total latency in ms and the first failing rule that fires, if any."""
        latency = 0
        chosen = None
        with self._lock:
            for rule in self.rules:
                if not rule.matches(endpoint, method):
                    continue
                if rule.kind == "latency":
                    if self._strikes(rule):
                        latency += rule.latency_ms
                elif chosen is None and self._strikes(rule):
                    chosen = rule
        return latency, chosen

    def _strikes(self, rule: FaultRule) -> bool:
        """Let ``skip`` requests through, roll the dice for the share, and count the hit."""
        if rule.passed < rule.skip:
            rule.passed += 1
            return False
        if rule.share < 1.0 and self.rng.random() >= rule.share:
            return False
        rule.fired += 1
        return True

    def as_list(self) -> list[dict]:
        """Return all rules as dicts."""
        with self._lock:
            return [rule.as_dict() for rule in self.rules]


def parse_faults(text: str) -> tuple[int | None, list[dict]]:
    """Parse "latency_ms=30;error_share=0.1" into (seed or None, list of add() keyword dicts)."""
    settings = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"Bad fault setting '{part}', expected name=value")
        name, value = part.split("=", 1)
        settings[name.strip()] = value.strip()
    rules = []
    if "latency_ms" in settings:
        rules.append({"kind": "latency", "latency_ms": int(settings.pop("latency_ms"))})
    status = int(settings.pop("error_status", 500))
    for kind in KINDS[1:]:
        key = f"{kind}_share"
        if key in settings:
            rule = {"kind": kind, "share": float(settings.pop(key))}
            if kind == "error":
                rule["status"] = status
            rules.append(rule)
    seed = settings.pop("seed", None)
    if settings:
        raise ValueError(f"Unknown fault settings: {', '.join(sorted(settings))}")
    return (None if seed is None else int(seed)), rules
