"""A burst of concurrent sign-ups against a small Broker-API budget: no 429 reaches a trader."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from werkzeug.serving import make_server

import sandbox
from portal.extensions import broker, db
from portal.models import SignupAttempt
from portal.services import offers
from tests.support import Trader, make_app

BUDGET = 8
TRADERS = 10


def test_burst_of_signups_parks_what_the_budget_cannot_carry(tmp_path):
    sb = sandbox.create_sandbox()
    sb.variants.rate_limit_per_minute = BUDGET
    refused = []
    check = sb.rate_limiter.check

    def counting_check(token, limit):
        wait = check(token, limit)
        if wait is not None:
            refused.append(wait)
        return wait

    sb.rate_limiter.check = counting_check
    server = make_server("127.0.0.1", 0, sb.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app = make_app(sb, f"sqlite:///{tmp_path / 'burst.db'}", BROKER_TRANSPORT=None,
                   BROKER_API_URL=f"http://127.0.0.1:{server.server_port}",
                   BROKER_BUDGET_PER_MINUTE=BUDGET, RATELIMIT_ENABLED=False, BROKER_DEADLINE=2.0)
    with app.app_context():  # as a running process has: offers cached, role and branch resolved
        offers.catalogue(), broker.client.role_uuid(), broker.client.branch_uuid()
    try:
        def sign_up(n):
            trader = Trader(app.test_client(), sb)
            return trader.register(email=f"burst-{n}@example.com", follow=False).status_code

        with ThreadPoolExecutor(max_workers=TRADERS) as pool:
            statuses = list(pool.map(sign_up, range(TRADERS)))
    finally:
        server.shutdown()

    assert set(statuses) <= {302, 202}, statuses
    assert 202 in statuses and 302 in statuses  # the budget carried some, parked the rest
    assert refused == []  # the broker never had to refuse us
    with app.app_context():
        attempts = db.session.scalars(db.select(SignupAttempt)).all()
        assert len(attempts) == TRADERS
        for attempt in attempts:
            if attempt.state == "pending":
                assert attempt.secret and attempt.next_attempt_at  # the worker can finish it
            else:
                assert attempt.state == "done"
    emails = [a["email"] for a in sb.store.data["accounts"].values()
              if a["email"].startswith("burst-")]
    assert len(emails) == len(set(emails)) == statuses.count(302)
