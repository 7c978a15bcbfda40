"""Every Broker-API path the portal uses, in one place.

Broker-API v1 and CRM-API share these ``/v1`` paths for offers and trading-account
creation (REFERENCE section 10.1); the others are expected to match but are unverified.
"""

SERVICE_INFO = "/service-info"
OFFERS = "/v1/offers"
BRANCHES = "/v1/branches"
ROLES = "/v1/roles"
ACCOUNTS = "/v1/accounts"
ACCOUNT_BY_EMAIL = "/v1/accounts/by-email/{email}"
ACCOUNT_BY_UUID = "/v1/accounts/by-uuid/{uuid}"
ACCOUNT = "/v1/accounts/{uuid}"
CHANGE_PASSWORD = "/v1/change-password"
ACCOUNT_TRADING_ACCOUNTS = "/v1/accounts/{uuid}/trading-accounts"
TRADING_ACCOUNTS = "/v1/trading-accounts"
TRADING_ACCOUNT = "/v1/trading-account"
ONE_TIME_TOKEN = "/v1/one-time-token"

# Broker-API's page size when none is asked for; the trading-accounts list is followed page by page.
PAGE_SIZE = 10
