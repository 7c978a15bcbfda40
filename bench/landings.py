"""New visitors from campaign links: cookieless register links and /go/<code> under wrk.

Each runs at ``--landing-connections`` (16) in interleaved rounds with the bare route at the same
connections, best round kept, as the page scenarios do. Every register request is another
campaign link (``utm_campaign=c<thread>-<n>``); afterwards the funnel's landings from those links
(source ``bench``, medium ``wrk``) in a run where every request is answered must equal the
requests wrk sent.
"""
from __future__ import annotations

import csv
import io
import time

import httpx

from bench import load
from bench.servers import Servers

CAMPAIGN = "bench-go"
SLUG = "demo-standard-usd"
REGISTER = f"/register?offer={SLUG}&utm_source=bench&utm_medium=wrk&utm_campaign=c"
SOURCE = "bench / wrk"  # how the funnel names utm_source / utm_medium


def run(opts, portal: str, hello: str, sandbox: httpx.Client, servers: Servers) -> dict:
    """The landing scenarios' best rounds, Broker-API calls per landing and the funnel check."""
    servers.flask("campaigns", "add", CAMPAIGN, "--offer", SLUG, "--source", "bench",
                  "--medium", "go")
    # Each process reads the campaign and renders the page once before it is measured.
    load.wrk(f"{portal}/go/{CAMPAIGN}", 1, opts.landing_connections, landing="plain")
    load.wrk(f"{portal}{REGISTER}", 1, opts.landing_connections, landing="numbered")
    pages = {"hello16": (f"{hello}/", None), "register_new": (f"{portal}{REGISTER}", "numbered"),
             "go_new": (f"{portal}/go/{CAMPAIGN}", "plain")}
    rounds: dict[str, list[dict]] = {name: [] for name in pages}
    calls = 0
    for _ in range(opts.rounds):
        for name, (url, landing) in pages.items():
            load.clear_calls(sandbox)
            rounds[name].append(load.wrk(url, opts.seconds, opts.landing_connections,
                                         landing=landing))
            calls += load.total_calls(sandbox) if name != "hello16" else 0
    run = {name: {**max(done, key=lambda r: r["rps"]), "rounds_rps": [r["rps"] for r in done],
                  "bad_status": sum(r["bad_status"] for r in done),
                  "errors": sum(r["errors"] for r in done)}
           for name, done in rounds.items()}
    landing_requests = sum(r["requests"] for name in ("register_new", "go_new")
                           for r in rounds[name])
    return {"scenarios": run, "funnel": count_exactly(opts, portal, servers),
            "calls_per_landing": round(calls / max(1, landing_requests), 3)}


def count_exactly(opts, portal: str, servers: Servers) -> dict:
    """Numbered register links for ``opts.seconds``, all answered; the funnel before and after.

    The timed rounds stop wrk with requests in flight, and a connection closed with an answer
    unread may lose a request the portal never saw; this run lets every connection go quiet
    first, so what wrk sent is exactly what the portal had to count.
    """
    time.sleep(1)  # what the last round left in flight is answered and counted first
    before = landings_from_wrk(servers)
    sent = load.wrk(f"{portal}{REGISTER}", opts.seconds, opts.landing_connections,
                    landing="numbered", drain=2)
    return {"landings_sent": sent["sent"], "answered": sent["requests"],
            "funnel_landings": landings_from_wrk(servers) - before}


def landings_from_wrk(servers: Servers) -> int:
    """The funnel's landings from the bench's numbered register links (it flushes first)."""
    report = servers.flask("report", "funnel", "--format", "csv")
    return sum(int(row["landings"]) for row in csv.DictReader(io.StringIO(report))
               if row["source"] == SOURCE)


def targets(results: dict, target) -> list[dict]:
    """PASS/FAIL lines: each landing >= 0.3x the bare route, p99 <= 100 ms, exact counts."""
    run, funnel = results["scenarios"], results["funnel"]
    hello = run["hello16"]["rps"] or 1
    ratios = {name: round(run[name]["rps"] / hello, 3) for name in ("register_new", "go_new")}
    results["ratios"] = ratios
    return [
        target("new visitor /register?offer&utm_*/hello requests/s", ratios["register_new"],
               ">=", 0.3),
        target("new visitor /go/<code>/hello requests/s", ratios["go_new"], ">=", 0.3),
        target("p99 new visitor /register?offer&utm_* (ms)", run["register_new"]["p99"],
               "<=", 100),
        target("p99 new visitor /go/<code> (ms)", run["go_new"]["p99"], "<=", 100),
        target("Broker-API calls per landing", results["calls_per_landing"], "<=", 0),
        target("funnel landings minus landing requests wrk sent",
               funnel["funnel_landings"] - funnel["landings_sent"], "==", 0),
    ]


def table(results: dict, connections: int) -> list[str]:
    """The printed lines of the landing scenarios."""
    labels = {"hello16": "hello (ceiling)", "register_new": "register, new visitor",
              "go_new": "/go, new visitor"}
    lines = ["", f"new visitors from campaign links, wrk {connections} connections, no cookie:"]
    for name, label in labels.items():
        r = results["scenarios"][name]
        lines.append(f"{label:<22}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
                     f"{r['p99']:>9.1f}   rounds: "
                     + ", ".join(f"{v:.0f}" for v in r["rounds_rps"])
                     + f"; non-2xx/3xx {r['bad_status']}, errors {r['errors']}")
    f = results["funnel"]
    lines.append(f"register landings: wrk sent {f['landings_sent']} ({f['answered']} answered), "
                 f"the funnel counts {f['funnel_landings']}; ratios "
                 f"register/hello {results['ratios']['register_new']}, go/hello "
                 f"{results['ratios']['go_new']}; Broker-API calls per landing "
                 f"{results['calls_per_landing']}")
    return lines
