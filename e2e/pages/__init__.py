"""Page objects: locators by role and label, intent methods, no assertions."""
from .accounts import AccountsPage, ConfirmAccountPage, NewAccountPage
from .devmail import DevMailPage
from .header import Header
from .login import LoginPage
from .misc import ErrorPage, HomePage, PlatformPage
from .offers import OffersPage
from .passwords import (ChangePasswordPage, CheckInboxPage, ClaimPage, ClaimRequestPage,
                        ConfirmEmailReminder, ForgotPasswordPage, LinkProblemPage,
                        ResetPasswordPage)
from .profile import EditProfilePage, MyDataPage, ProfilePage
from .register import RegisterPage

__all__ = ["AccountsPage", "ChangePasswordPage", "CheckInboxPage", "ClaimPage", "ClaimRequestPage",
           "ConfirmAccountPage", "ConfirmEmailReminder", "DevMailPage", "EditProfilePage",
           "ErrorPage", "ForgotPasswordPage", "Header", "HomePage", "LinkProblemPage",
           "LoginPage", "MyDataPage", "NewAccountPage", "OffersPage", "PlatformPage",
           "ProfilePage", "RegisterPage", "ResetPasswordPage"]
