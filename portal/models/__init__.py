"""The portal's own data. Each area keeps its tables in its own module; all are imported here."""
from .core import (  # noqa: F401
    AuditEvent,
    Login,
    OperationState,
    PortalUser,
    SignupAttempt,
    TradingAccountRequest,
    UTCDateTime,
    utcnow,
)
from .links import UsedLink  # noqa: F401
from .marketing import Campaign, LandingCount, Partner, SignupAttribution  # noqa: F401
from .staff import StaffUser  # noqa: F401
