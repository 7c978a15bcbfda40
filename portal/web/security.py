"""Security headers on every response (a CSP without inline script...), and the CSRF check.

A page shown to a logged-in trader is never stored by the browser (``no-store``), so Back or
the history cannot show it after logging out.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import csrf


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(platform_url: str, logo_url: str | None = None) -> str:
    """The CSP: only our own scripts and styles; forms may post to us and redirect to the
    platform; images from us, and the brand's logo from where it is served."""
    form_action = " ".join(filter(None, ["'self'", _origin(platform_url)]))
    img_src = " ".join(filter(None, ["'self' data:", _origin(logo_url or "")]))
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {img_src}",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action {form_action}",
        "frame-ancestors 'none'",
    ])


def init_security(app: Flask) -> None:
    """Security headers on every response, the CSRF check on every form post; proxy headers
    trusted only when configured."""
    csp = content_security_policy(app.config["PLATFORM_URL"], app.config.get("BRAND_LOGO_URL"))
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    # Flask-WTF's own hook looks up view and blueprint exemptions on every request, reads
    # included; this one asks only of the methods it checks, and the check is the same.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def check_csrf():
        if request.method in app.config["WTF_CSRF_METHODS"] and app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)

    always = [("Content-Security-Policy", csp), ("X-Content-Type-Options", "nosniff"),
              ("Referrer-Policy", "strict-origin-when-cross-origin"), ("X-Frame-Options", "DENY")]
    hsts = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    private = ("Cache-Control", "no-store")

    @app.after_request
    def set_headers(response):
        """Each header unless the view set its own (one pass over the response's headers)."""
        present = {name.lower() for name in response.headers.keys()}
        wanted = always + [hsts] if request.is_secure else always
        if "_user_id" in session:  # a logged-in trader's page
            wanted = wanted + [private]
        response.headers.extend([h for h in wanted if h[0].lower() not in present])
        return response
