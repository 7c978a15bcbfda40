"""Broker-API client: typed objects in, typed objects out, domain errors on failure."""
from .bodies import NewAccount
from .client import BrokerClient
from .errors import (
    BrokerError,
    BrokerUnavailable,
    EmailTaken,
    Forbidden,
    NotFound,
    NotReady,
    RateLimited,
    Rejected,
    Unauthorized,
    UnexpectedResponse,
)
from .models import Account, CreatedAccount, Offer, ServiceInfo, TradingAccount

__all__ = [
    "Account", "BrokerClient", "BrokerError", "BrokerUnavailable", "CreatedAccount", "EmailTaken",
    "Forbidden", "NewAccount", "NotFound", "NotReady", "Offer", "RateLimited", "Rejected",
    "ServiceInfo", "TradingAccount", "Unauthorized", "UnexpectedResponse",
]
