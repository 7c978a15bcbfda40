"""The ceiling: a bare Flask app with one route, served with the same gunicorn settings."""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Answer with a short text."""
    return "hello"
