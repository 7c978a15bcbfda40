"""`make bench`: the portal and a bare Flask app under one set of gunicorn settings, on loopback.

Starts the sandbox with a set latency, the portal (PostgreSQL + Redis when they answer, else
SQLite) and bench/hello.py. First a mix of pages is sent to the fresh portal and each worker's own
memory (USS) is read after the first and the last of its requests; then each scenario runs with
wrk for a fixed time (sign-ups with an httpx driver), Broker-API calls are counted at the sandbox,
and each worker's USS is read again at the end. Prints one table and writes bench/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench import landings, load
from bench.servers import Servers
from sandbox.faults import parse_faults

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
MB = 1024 * 1024


def options() -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=int(env.get("BENCH_SECONDS", 5)))
    parser.add_argument("--rounds", type=int, default=int(env.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--connections", type=int, default=int(env.get("BENCH_CONNECTIONS", 4)))
    parser.add_argument("--landing-connections", type=int,
                        default=int(env.get("BENCH_LANDING_CONNECTIONS", 16)))
    parser.add_argument("--workers", type=int, default=int(env.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--threads", type=int, default=int(env.get("WEB_THREADS", 4)))
    parser.add_argument("--faults", default=env.get("SANDBOX_FAULTS") or "latency_ms=30")
    parser.add_argument("--memory-from", type=int, default=int(env.get("BENCH_MEMORY_FROM", 2000)),
                        help="portal requests before the first USS reading")
    parser.add_argument("--memory-to", type=int, default=int(env.get("BENCH_MEMORY_TO", 20000)),
                        help="portal requests before the second USS reading")
    return parser.parse_args()


def sandbox_latency_ms(faults: str) -> int:
    """The latency every sandbox call waits, from SANDBOX_FAULTS."""
    rules = parse_faults(faults)[1]
    return sum(rule.get("latency_ms", 0) for rule in rules if rule["kind"] == "latency")


def main() -> int:
    opts = options()
    if not shutil.which("wrk"):
        print("bench: wrk is missing (make bench installs it with apt-get)", file=sys.stderr)
        return 2
    latency = sandbox_latency_ms(opts.faults)
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews every number
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portal-bench-")))
        servers = stack.enter_context(Servers(tmp, opts.workers, opts.threads))
        backend = stack.enter_context(servers.backend())
        sandbox = servers.start_sandbox(opts.faults)
        portal = servers.start_portal(backend)
        hello = servers.start_hello()
        visitor, trader = warm_up(portal)
        memory = memory_growth(opts, portal, visitor, trader, servers)
        results = scenarios(opts, portal, hello, sandbox, visitor, trader)
        results["landings"] = landings.run(opts, portal, hello, sandbox, servers)
        memory["uss_after_run_mb"] = _mb(servers.uss("portal"))
        memory["hello_uss_after_run_mb"] = _mb(servers.uss("hello"))
        results["memory"] = memory
    results["settings"] = {
        "seconds": opts.seconds, "rounds": opts.rounds, "connections": opts.connections,
        "landing_connections": opts.landing_connections,
        "workers": opts.workers,
        "threads": opts.threads, "sandbox_faults": opts.faults, "sandbox_latency_ms": latency,
        "memory_requests": [opts.memory_from, opts.memory_to],
        "backend": backend["label"], "python": platform.python_version(), "cpus": os.cpu_count(),
        "load_average_before": load_before}
    derive(results, latency)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten to {RESULTS.relative_to(HERE.parent)}")
    return 0


def _mb(by_pid: dict[int, int]) -> dict[str, float]:
    return {str(pid): round(value / MB, 1) for pid, value in sorted(by_pid.items())}


def warm_up(portal: str) -> tuple[str, str]:
    """The Cookie headers of a returning anonymous visitor and of a logged-in trader."""
    # An anonymous visitor who has landed once and kept the attribution cookie (no session).
    visitor = load.get(f"{portal}/offers")  # also warms the offers cache
    trader = load.signup(portal)  # also resolves role and branch in the process that served it
    if not trader.ok:
        raise SystemExit(f"bench: the warm-up sign-up failed ({trader.status})")
    return visitor, load.get(f"{portal}/accounts", cookies=trader.cookies)


def memory_growth(opts, portal: str, visitor: str, trader: str, servers: Servers) -> dict:
    """Each worker's USS after ``memory_from`` and after ``memory_to`` requests to the portal.

    The requests cycle through the pages people use: the cached offers page and the sign-up
    form for a returning visitor, the accounts page for a trader, and the home and offers pages
    for new visitors (no cookie; a new attribution, a new marketing link each time, so the
    page cache keeps turning over). A leak per request shows as growth between the readings.
    """
    plan = [("/offers", visitor), ("/accounts", trader), ("/register", visitor),
            ("/?utm_source=bench&utm_campaign=c{n}", ""), ("/offers?utm_content=o{n}", ""),
            ("/offers?lang=pl", visitor)]
    first = load.mix(portal, plan, opts.memory_from, opts.connections)
    at_first = servers.uss("portal")
    second = load.mix(portal, plan, max(0, opts.memory_to - opts.memory_from), opts.connections,
                      start=opts.memory_from)
    at_second = servers.uss("portal")
    growth = {str(pid): round((at_second[pid] - at_first[pid]) / MB, 2)
              for pid in at_second if pid in at_first}
    return {"requests": [opts.memory_from, opts.memory_from + second["requests"]],
            "bad_status": first["bad_status"] + second["bad_status"],
            "uss_first_mb": _mb(at_first), "uss_second_mb": _mb(at_second),
            "uss_growth_mb": growth}


def scenarios(opts, portal: str, hello: str, sandbox: httpx.Client, visitor: str,
              cookie: str) -> dict:
    """Run every scenario; Broker-API calls are counted at the sandbox around each one.

    The pages run in ``opts.rounds`` interleaved rounds (hello, offers, accounts, again...) and
    each keeps its best round. With a few keep-alive connections and two gunicorn workers, the
    first worker to wake can accept every connection and leave the other CPU idle; a new round
    opens new connections, so the best of three is the run where both workers served, for the
    ceiling and the portal alike. Every round's rate is kept in the results.
    """
    pages = {"hello": (f"{hello}/", {}),
             "offers": (f"{portal}/offers", {"Cookie": visitor}),
             "accounts": (f"{portal}/accounts", {"Cookie": cookie})}
    rounds: dict[str, list[dict]] = {name: [] for name in pages}
    page_calls = dict.fromkeys(pages, 0)
    for _ in range(opts.rounds):
        for name, (url, headers) in pages.items():
            load.clear_calls(sandbox)
            rounds[name].append(load.wrk(url, opts.seconds, opts.connections, headers=headers))
            page_calls[name] += load.total_calls(sandbox)
    run = {name: {**max(done, key=lambda r: r["rps"]), "rounds_rps": [r["rps"] for r in done],
                  "bad_status": sum(r["bad_status"] for r in done),
                  "errors": sum(r["errors"] for r in done)}
           for name, done in rounds.items()}
    calls = {f"{name}_page": page_calls[name] / max(1, sum(r["requests"] for r in rounds[name]))
             for name in ("offers", "accounts")}

    # Each process resolves the broker's role and branch once; a short burst of the same shape
    # as the measured one reaches every worker (one by one, a single worker may take them all).
    load.signups(portal, 2, opts.connections)
    load.clear_calls(sandbox)
    run["signup"] = load.signups(portal, opts.seconds, opts.connections)
    calls["signup"] = load.total_calls(sandbox) / max(1, run["signup"]["requests"])
    return {"scenarios": run, "calls_per": {k: round(v, 3) for k, v in calls.items()}}


def derive(results: dict, latency: int) -> None:
    """Ratios to the ceiling, portal-added p50, and the targets with PASS/FAIL."""
    run, calls, memory = results["scenarios"], results["calls_per"], results["memory"]
    first, last = memory["requests"]
    hello_rps = run["hello"]["rps"] or 1
    results["ratios"] = {"offers/hello": round(run["offers"]["rps"] / hello_rps, 3),
                         "accounts/hello": round(run["accounts"]["rps"] / hello_rps, 3)}
    added = {name: round(run[name]["p50"] - calls[key] * latency, 2)
             for name, key in (("offers", "offers_page"), ("accounts", "accounts_page"),
                               ("signup", "signup"))}
    results["portal_added_p50_ms"] = added
    results["targets"] = [
        _target("offers/hello requests/s", results["ratios"]["offers/hello"], ">=", 0.5),
        _target("Broker-API calls per sign-up", calls["signup"], "<=", 2),
        _target("Broker-API calls per warm offers page", calls["offers_page"], "<=", 0),
        _target("portal-added p50, offers page (ms)", added["offers"], "<=", 10),
        _target("portal-added p50, accounts page (ms)", added["accounts"], "<=", 10),
        _target("USS per portal worker after the run (MB)",
                max(memory["uss_after_run_mb"].values()), "<=", 60),
        _target(f"USS growth per worker, {first:,} to {last:,} requests (MB)",
                max(memory["uss_growth_mb"].values()), "<", 5),
    ] + landings.targets(results["landings"], _target)


def _target(name: str, value: float, op: str, limit: float) -> dict:
    ok = {">=": value >= limit, "<=": value <= limit, "<": value < limit, "==": value == limit}[op]
    return {"name": name, "value": value, "target": f"{op} {limit:g}", "pass": ok}


def table(results: dict) -> str:
    """The printed report."""
    s, m = results["settings"], results["memory"]
    lines = [f"portal vs bare Flask: gunicorn {s['workers']} workers x {s['threads']} threads, "
             f"wrk {s['connections']} connections x {s['seconds']} s "
             f"(best of {s['rounds']} rounds), "
             f"sandbox {s['sandbox_faults']}, "
             f"{s['backend']}, {s['cpus']} CPUs (load average {s['load_average_before']} before)",
             "",
             f"{'scenario':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
             f"{'calls/op':>10}{'added p50':>11}"]
    labels = {"hello": "hello (ceiling)", "offers": "/offers warm",
              "accounts": "/accounts logged in", "signup": "sign-up flow"}
    calls = {"offers": "offers_page", "accounts": "accounts_page", "signup": "signup"}
    for name, label in labels.items():
        r = results["scenarios"][name]
        per = results["calls_per"].get(calls.get(name, ""), "")
        added = results["portal_added_p50_ms"].get(name, "")
        lines.append(f"{label:<22}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
                     f"{per:>10}{added:>11}")
    signup = results["scenarios"]["signup"]
    lines += ["", f"sign-ups: {signup['requests']} done, {signup['parked']} parked, "
              f"{signup['failed']} failed; non-2xx/3xx answers under wrk: "
              + ", ".join(f"{n} {results['scenarios'][n]['bad_status']}"
                          for n in ("hello", "offers", "accounts")),
              "req/s of each round: " + "; ".join(
                  f"{n} " + ", ".join(f"{v:.0f}" for v in results["scenarios"][n]["rounds_rps"])
                  for n in ("hello", "offers", "accounts")),
              f"ratios: offers/hello {results['ratios']['offers/hello']}, "
              f"accounts/hello {results['ratios']['accounts/hello']}",
              f"USS per portal worker (MB) after {m['requests'][0]:,} requests: "
              f"{_listed(m['uss_first_mb'])}; after {m['requests'][1]:,}: "
              f"{_listed(m['uss_second_mb'])}; after the run: {_listed(m['uss_after_run_mb'])} "
              f"(hello: {_listed(m['hello_uss_after_run_mb'])}); non-2xx/3xx answers in the "
              f"mix: {m['bad_status']}"]
    lines += landings.table(results["landings"], s["landing_connections"]) + [""]
    for t in results["targets"]:
        verdict = "PASS" if t["pass"] else "FAIL"
        lines.append(f"  {verdict}  {t['name']}: {t['value']} (target {t['target']})")
    return "\n".join(lines)


def _listed(by_pid: dict[str, float]) -> str:
    return ", ".join(f"{value}" for value in by_pid.values())


if __name__ == "__main__":
    sys.exit(main())
