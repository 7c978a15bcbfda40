"""Broker-API client: typed objects in, typed objects out, domain errors on failure."""
from .client import BrokerClient, NewAccount
from .errors import (
    BrokerError,
    BrokerUnavailable,
    EmailTaken,
    Forbidden,
    NotFound,
    RateLimited,
    Rejected,
    Unauthorized,
)
from .models import Account, CreatedAccount, Offer, ServiceInfo, TradingAccount

__all__ = [
    "Account", "BrokerClient", "BrokerError", "BrokerUnavailable", "CreatedAccount", "EmailTaken",
    "Forbidden", "NewAccount", "NotFound", "Offer", "RateLimited", "Rejected", "ServiceInfo",
    "TradingAccount", "Unauthorized",
]
