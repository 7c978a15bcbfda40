"""Load drivers: wrk for pages, an httpx driver for whole sign-up flows, sandbox call counts."""
from __future__ import annotations

import json
import re
import statistics
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPORT = Path(__file__).resolve().parent / "report.lua"
LANDING = Path(__file__).resolve().parent / "landing.lua"
LANDING_COUNT = Path(__file__).resolve().parent / "landing_count.lua"
PASSWORD = "Sunny-Day42"
OFFER = "4f000000-0000-4000-8000-000000000001"  # the sandbox's demo USD offer
LOGIN = re.compile(r'class="card-title">Login (\w+)')
# Every client of a run, httpx and wrk alike, is the same browser: a session is bound to the
# browser it was issued to, and one that comes back from another is marked as not fresh.
USER_AGENT = "portal-bench"


def wrk(url: str, seconds: int, connections: int, headers: dict | None = None,
        landing: str | None = None, drain: int = 0) -> dict:
    """Requests/s and latency percentiles (ms) of ``url`` under wrk for ``seconds``.

    ``landing`` ("plain" or "numbered": the address ends in each request's own number) runs
    bench/landing.lua, which also reports how many requests were sent; with ``drain`` seconds,
    sending stops that long before wrk does, so that every request sent is answered (the
    request rate is then meaningless).
    """
    script = LANDING_COUNT if drain else LANDING if landing else REPORT
    args = ["wrk", "-t", str(min(2, connections)), "-c", str(connections),
            "-d", f"{seconds + drain}s", "--timeout", "10s", "-s", str(script)]
    for name, value in {"User-Agent": USER_AGENT, **(headers or {})}.items():
        args += ["-H", f"{name}: {value}"]
    args.append(url)
    if landing:
        args += ["--", landing, str(seconds)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + drain + 60,
                          cwd=REPORT.parent.parent)
    line = next((ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("{")), None)
    if done.returncode or line is None:
        raise SystemExit(f"bench: wrk failed on {url}:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line)
    rps = raw["requests"] / (raw["duration_us"] / 1e6)
    return {"requests": raw["requests"], "sent": raw.get("sent", raw["requests"]),
            "rps": round(rps, 1),
            "p50": raw["p50"] / 1000, "p95": raw["p95"] / 1000, "p99": raw["p99"] / 1000,
            "errors": raw["errors"], "bad_status": raw["bad_status"]}


def mix(base: str, plan: list[tuple[str, str]], requests: int, concurrency: int,
        start: int = 0) -> dict:
    """Send ``requests`` GETs to ``base`` from ``concurrency`` threads, cycling through
    ``plan``'s (path, Cookie header) pairs: a returning browser sends its cookie every time, a
    new visitor (empty Cookie) never keeps what it is given. ``{n}`` in a path becomes the
    request's number (from ``start``). Returns the count and the non-2xx/3xx answers."""
    numbers = iter(range(start, start + requests))
    lock = threading.Lock()
    bad: list[int] = []

    def loop() -> None:
        with httpx.Client(base_url=base, headers={"User-Agent": USER_AGENT}, timeout=30) as http:
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                path, cookie = plan[n % len(plan)]
                answer = http.get(path.replace("{n}", str(n)),
                                  headers={"Cookie": cookie} if cookie else None)
                http.cookies.clear()
                if answer.status_code >= 400:
                    with lock:
                        bad.append(answer.status_code)

    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"requests": requests, "bad_status": len(bad)}


def get(url: str, cookies: dict | None = None) -> str:
    """GET ``url`` twice like a browser that keeps its cookies; return them as a header.

    wrk replays one fixed Cookie header. A session settles on the second answer (Flask-Login
    marks a session it did not issue as not fresh, once), so the cookies of the first answer
    alone would make every replayed request write the session anew, which no browser that
    stores its cookies would cause.
    """
    jar = httpx.Cookies()
    for name, value in (cookies or {}).items():  # as the server set them, so answers replace them
        jar.set(name, value, domain=httpx.URL(url).host)
    with httpx.Client(headers={"User-Agent": USER_AGENT}, cookies=jar, timeout=15) as http:
        for _ in range(2):
            response = http.get(url)
            if response.status_code != 200:
                raise SystemExit(f"bench: GET {url} answered {response.status_code}")
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def clear_calls(sandbox: httpx.Client) -> None:
    sandbox.delete("/_sandbox/calls").raise_for_status()


def total_calls(sandbox: httpx.Client) -> int:
    return sandbox.get("/_sandbox/calls").json()["total"]


@dataclass
class SignUp:
    """One register flow: its outcome, how long it took and the browser's cookies after it."""

    status: int
    seconds: float
    ok: bool
    cookies: dict = field(default_factory=dict)


def signup(base: str) -> SignUp:
    """GET the form, submit it with its CSRF token, follow to the accounts page with the login."""
    with httpx.Client(base_url=base, headers={"User-Agent": USER_AGENT}, timeout=30) as http:
        started = time.perf_counter()
        form = http.get("/register").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        answer = http.post("/register", follow_redirects=True, data={
            "csrf_token": token, "email": f"bench.{uuid.uuid4().hex[:12]}@example.com",
            "first_name": "Bench", "last_name": "Trader", "password": PASSWORD,
            "confirm": PASSWORD, "offer": OFFER, "terms": "y"})
        seconds = time.perf_counter() - started
        ok = (answer.status_code == 200 and answer.url.path == "/accounts"
              and bool(LOGIN.search(answer.text)))
        return SignUp(answer.status_code, seconds, ok, dict(http.cookies))


def signups(base: str, seconds: int, concurrency: int) -> dict:
    """Whole sign-up flows from ``concurrency`` threads for ``seconds``."""
    stop_at = time.monotonic() + seconds
    results: list[SignUp] = []
    lock = threading.Lock()

    def loop() -> None:
        while time.monotonic() < stop_at:
            one = signup(base)
            with lock:
                results.append(one)

    started = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    done = sorted(r.seconds * 1000 for r in results if r.ok)
    pct = statistics.quantiles(done, n=100, method="inclusive") if len(done) > 1 else done * 99
    return {"requests": len(done), "rps": round(len(done) / elapsed, 2),
            "p50": round(pct[49], 1) if pct else 0.0, "p95": round(pct[94], 1) if pct else 0.0,
            "p99": round(pct[98], 1) if pct else 0.0,
            "parked": sum(r.status == 202 for r in results),
            "failed": sum(not r.ok and r.status != 202 for r in results)}
