"""Logs never carry passwords, tokens or one-time tokens, and every request line has its id."""
from __future__ import annotations

import json
import logging
import re

import pytest

from portal.logs import RedactingFilter, redact
from tests.support import make_app


def test_redact_hides_secret_values_in_common_shapes():
    text = redact('POST {"email": "a@b.c", "password": "Sunny-Day42", "newPassword": "X1y2z3w4"} '
                  "https://platform.example/?auth=abc123token Authorization: Bearer sk-live-9")
    for secret in ("Sunny-Day42", "X1y2z3w4", "abc123token", "sk-live-9"):
        assert secret not in text
    assert "a@b.c" in text


def test_filter_redacts_formatted_arguments(caplog):
    logger = logging.getLogger("portal.test")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("redirecting to %s", "https://p.example/?auth=one-time-xyz")
    assert "one-time-xyz" not in caplog.text and "[redacted]" in caplog.text


def test_the_development_servers_access_lines_hide_mailed_link_tokens(caplog):
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        for path in ("/password/reset/eyJ1IjoxfQ.aw0i.sig1", "/claim/eyJjIjoyfQ.aw0i.sig2",
                     "/confirm/eyJ1IjozfQ.aw0i.sig3?next=/accounts"):
            logging.getLogger("werkzeug").info(
                '127.0.0.1 - - [30/Nov/2026 07:40:00] "%s %s HTTP/1.1" 200 -', "GET", path)
    assert "sig1" not in caplog.text and "sig2" not in caplog.text and "sig3" not in caplog.text
    assert "/password/reset/[redacted]" in caplog.text
    assert "/confirm/[redacted]?next=/accounts" in caplog.text


@pytest.fixture
def json_app(sb, tmp_path, capsys):
    """The portal logging JSON lines to stderr through its own handler, with access lines on."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    root.handlers = []
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", LOG_FORMAT="json", ACCESS_LOG=True)
    capsys.readouterr()
    yield app
    app.extensions["broker"].close()
    root.handlers, root.level = saved, level


def json_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_every_line_of_a_request_carries_its_request_id_including_broker_calls(json_app, capsys):
    response = json_app.test_client().get("/offers", headers={"X-Request-ID": "lb-7f3a.01"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.01"
    lines = json_lines(capsys)
    broker = [line for line in lines if line["logger"] == "portal.brokerapi"]
    assert broker and "GET /v1/offers -> 200" in broker[0]["message"]
    access = [line for line in lines if line["logger"] == "portal.access"]
    assert access and access[0]["path"] == "/offers" and access[0]["status"] == 200
    assert {line["request_id"] for line in lines} == {"lb-7f3a.01"}


def test_an_unsafe_request_id_is_replaced_by_a_fresh_one(json_app, capsys):
    client = json_app.test_client()
    for unsafe in ("has spaces", "x" * 65, "<script>", "a\\b"):
        given = client.get("/healthz", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert given != unsafe and re.fullmatch(r"[0-9a-f]{32}", given)
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_access_lines_name_the_route_not_the_raw_path_with_its_token(json_app, capsys):
    json_app.test_client().get("/reset/secret-reset-token-123")
    text = capsys.readouterr().err
    assert "secret-reset-token-123" not in text


def test_json_lines_stay_redacted_including_tracebacks(json_app, capsys):
    logger = logging.getLogger("portal.test")
    try:
        raise ValueError("password=Sunny-Day42 rejected")
    except ValueError:
        logger.exception("login failed for token=%s", "tok-secret-9")
    line = json_lines(capsys)[-1]
    assert line["level"] == "ERROR" and line["request_id"] is None
    assert "tok-secret-9" not in line["message"] and "Sunny-Day42" not in line["exc"]
    assert "[redacted]" in line["exc"]


def test_tracebacks_are_redacted_in_text_logs_too(caplog):
    caplog.handler.addFilter(RedactingFilter())
    try:
        raise ValueError('{"newPassword": "X1y2z3w4"}')
    except ValueError:
        logging.getLogger("portal.test").exception("change failed")
    assert "X1y2z3w4" not in caplog.text and "[redacted]" in caplog.text


def test_text_lines_show_the_request_id_too(sb, tmp_path, capsys):
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    root.handlers = []
    try:
        app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", LOG_FORMAT="text")
        capsys.readouterr()
        app.test_client().get("/offers", headers={"X-Request-ID": "abc-123"})
        err = capsys.readouterr().err
    finally:
        root.handlers, root.level = saved, level
    assert "INFO portal.brokerapi [abc-123] broker GET /v1/offers -> 200" in err
