"""The portal's own data. Each area keeps its tables in its own module; all are imported here."""
from .core import (  # noqa: F401
    AuditEvent,
    OperationState,
    PortalUser,
    SignupAttempt,
    TradingAccountRequest,
    UTCDateTime,
    utcnow,
)
