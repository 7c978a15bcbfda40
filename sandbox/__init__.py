"""Broker-API sandbox: a Flask emulator of Match-Trader Broker-API for tests and local runs."""

from . import seed
from .app import Sandbox, create_sandbox

__all__ = ["Sandbox", "create_sandbox", "seed"]
