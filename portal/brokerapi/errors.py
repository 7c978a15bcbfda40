"""Domain errors raised by the Broker-API client; never a raw httpx response."""
from __future__ import annotations


class BrokerError(Exception):
    """Base class: something went wrong talking to Broker-API."""

    status: int | None = None

    def __init__(self, message: str = "", *, status: int | None = None):
        super().__init__(message or self.__class__.__name__)
        self.status = status


class BrokerUnavailable(BrokerError):
    """Broker-API did not answer usefully (connect error, timeout, reset, 5xx).

    ``sent`` is False only when the request provably never reached the broker
    (connection refused); otherwise a write may have been applied.
    """

    def __init__(self, message: str = "", *, status: int | None = None, sent: bool = True):
        super().__init__(message, status=status)
        self.sent = sent


class RateLimited(BrokerError):
    """Broker-API answered 429 and the call's deadline left no room to wait."""

    def __init__(self, message: str = "", *, retry_after: float | None = None):
        super().__init__(message, status=429)
        self.retry_after = retry_after


class Unauthorized(BrokerError):
    """The API token is missing or invalid (401)."""


class Forbidden(BrokerError):
    """The API token lacks the permission for this operation (403)."""


class NotFound(BrokerError):
    """The account, trading account or offer does not exist."""


class Rejected(BrokerError):
    """Broker-API refused the request (4xx); ``detail`` is the broker's own text."""

    def __init__(self, detail: str = "", *, status: int | None = None):
        super().__init__(detail, status=status)
        self.detail = detail


class EmailTaken(Rejected):
    """An Account with this email already exists at the broker."""


class UnexpectedResponse(BrokerUnavailable):
    """Broker-API answered 2xx with a body the portal cannot read (not JSON, or another shape).

    Treated as an outage: for a write, the broker may have applied it.
    """


class NotReady(BrokerError):
    """The portal cannot send this call as configured: the API key may not read the roles or
    branches, or the configured role or branch name does not exist at the broker."""
