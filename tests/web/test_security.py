"""CSRF on every form, a CSP without inline script, and pages in the layout on errors."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import make_app

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def csrf_client(sb, tmp_path):
    return make_app(sb, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True).test_client()


@pytest.mark.parametrize("path", ["/register", "/login", "/logout", "/platform", "/accounts/new",
                                  "/accounts/confirm"])
def test_every_form_post_needs_a_csrf_token(csrf_client, path):
    response = csrf_client.post(path, data={"email": "a@example.com"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Bad request" in html and "Go back, reload the page and send the form again." in html


def test_forms_carry_a_csrf_token(csrf_client):
    for path in ("/register", "/login"):
        assert 'name="csrf_token"' in csrf_client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/offers", "/register", "/login", "/nowhere"])
def test_pages_send_a_csp_without_inline_script_and_other_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "form-action 'self' https://platform.example" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_event_handlers():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "style=" not in text, template


def test_not_found_uses_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and 'class="site-header"' in html


@pytest.mark.parametrize("path,status", [("/offers", 405), ("/logout", 400), ("/register", 400)])
def test_another_sites_refused_post_sets_no_cookie_that_would_log_the_trader_out(
        sb, tmp_path, path, status):
    app = make_app(sb, f"sqlite:///{tmp_path / 'xsite.db'}", WTF_CSRF_ENABLED=True)
    # The browser does not send a SameSite=Lax cookie with another site's form post.
    response = app.test_client(use_cookies=False).post(path, data={"email": "a@example.com"})
    assert response.status_code == status
    assert not response.headers.getlist("Set-Cookie")


def test_a_logged_in_traders_pages_are_never_stored_by_the_browser(trader, client):
    assert "no-store" not in client.get("/offers").headers.get("Cache-Control", "")
    trader.register(email="private@example.com")
    for path in ("/accounts", "/profile", "/profile/edit", "/password/change", "/my-data"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", path


def test_the_old_icon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
