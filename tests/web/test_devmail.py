"""Development mailbox: with no SMTP server, mail is kept in a folder and shown at /dev/mail."""
from __future__ import annotations

import re

import pytest

from tests.support import make_app


def test_local_mailbox_lists_mail_with_clickable_links(app, trader, client):
    trader.register(email="local@example.com")
    html = client.get("/dev/mail").get_data(as_text=True)
    assert "Welcome: your trading account details" in html and "local@example.com" in html
    assert "<time datetime=" in html
    (confirm,) = set(re.findall(r'<a href="(http://127.0.0.1:8000/confirm/[^"]+)"', html))
    assert (client.get(confirm.removeprefix("http://127.0.0.1:8000")).headers["Location"]
            == "/accounts")
    assert "Please confirm your email address" not in client.get("/accounts").get_data(as_text=True)


def test_sent_page_points_to_the_local_mailbox(client):
    html = client.post("/password/forgot",
                       data={"email": "anyone@example.com"}).get_data(as_text=True)
    assert 'href="/dev/mail"' in html


def test_local_mailbox_is_empty_at_first(client):
    assert "No mail yet." in client.get("/dev/mail").get_data(as_text=True)


@pytest.mark.parametrize("overrides", [{"SMTP_URL": "smtp://127.0.0.1:2525"},
                                       {"PORTAL_ENV": "production"}])
def test_local_mailbox_is_not_found_with_smtp_or_outside_development(sb, tmp_path, overrides):
    app = make_app(sb, f"sqlite:///{tmp_path / 'p.db'}")
    app.config.update(overrides)
    client = app.test_client()
    assert client.get("/dev/mail").status_code == 404
    html = client.post("/password/forgot",
                       data={"email": "anyone@example.com"}).get_data(as_text=True)
    assert "/dev/mail" not in html
