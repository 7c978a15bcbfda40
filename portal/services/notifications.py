"""What the trader and staff hear when background work reaches a final state."""
from __future__ import annotations

import logging

log = logging.getLogger("portal.notifications")


def signup_done(user) -> None:
    """A parked sign-up finished: the trader gets the welcome mail."""
    log.info("sign-up completed by the worker for user %s", user.id)


def signup_failed(attempt, taken: bool) -> None:
    """A parked sign-up failed for good: the trader is told what to do."""
    log.info("sign-up attempt %s ended as %s", attempt.id, "taken" if taken else "failed")


def open_failed(request) -> None:
    """A parked open-account request failed for good."""
    log.info("open-account request %s failed", request.id)
