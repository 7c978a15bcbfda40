"""WSGI entry point for gunicorn: `gunicorn sandbox.wsgi:app`."""

import os

from . import create_sandbox

app = create_sandbox(env=os.environ).app
