"""Mail: a real SMTP server receives multipart mail; without SMTP the mail lands in a folder."""
from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from portal.services import mail
from tests.mailbox import Inbox, app, free_port, html_of, inbox, mail_log, smtp_server, text_of  # noqa: F401
from tests.support import make_app


def plain_message(subject="Hi") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = ("a@broker.example", "b@example.com",
                                                          subject)
    message.set_content(f"{subject} body")
    return message


def confirm_mail(to="ann@example.com", language=None):
    return dict(to=to, template="confirm", subject="Confirm your email address", language=language,
                name="Ann", url="https://portal.example/confirm/abc", valid_for=timedelta(days=7))


def test_smtp_delivers_a_multipart_alternative_mail_with_sender_and_reply_to(app, inbox):
    with app.test_request_context():
        mail.send(**confirm_mail())
    (message,) = inbox.messages
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == "Trader portal <no-reply@broker.example>"
    assert message["Reply-To"] == "support@broker.example"
    assert message["To"] == "ann@example.com" and message["Subject"] == "Confirm your email address"
    assert message["Message-ID"].endswith("@broker.example>") and message["Date"]
    assert "Hello Ann," in text_of(message)
    assert "https://portal.example/confirm/abc" in text_of(message)
    assert 'href="https://portal.example/confirm/abc"' in html_of(message)
    assert "1 week" in text_of(message)
    assert inbox.envelopes == [("no-reply@broker.example", ["ann@example.com"])]


def test_smtp_logs_in_with_the_credentials_of_the_url():
    seen = []

    def authenticate(server, session, envelope, mechanism, data):
        seen.append((data.login, data.password))
        return AuthResult(success=data.password == b"p@ss:word")

    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        mailer = mail.SMTPMailer.from_url(f"smtp://mailer%40broker.example:p%40ss%3Aword@127.0.0.1:{port}",
                                          security="none")
        mailer.send(plain_message())
    finally:
        controller.stop()
    assert seen == [(b"mailer@broker.example", b"p@ss:word")]
    assert len(handler.messages) == 1


def test_smtp_down_is_a_mail_error_that_names_no_secret():
    mailer = mail.SMTPMailer.from_url(f"smtp://user:Secret-Pw9@127.0.0.1:{free_port()}",
                                      security="none", timeout=2)
    assert "Secret-Pw9" not in repr(mailer)
    with pytest.raises(mail.MailError) as caught:
        mailer.send(plain_message())
    assert "Secret-Pw9" not in str(caught.value) and "127.0.0.1" in str(caught.value)


@pytest.mark.parametrize("url,security,expected", [
    ("smtp://mail.example", "starttls", ("mail.example", 587, "starttls")),
    ("smtp://mail.example", "ssl", ("mail.example", 465, "ssl")),
    ("smtps://mail.example", "starttls", ("mail.example", 465, "ssl")),
    ("smtp://mail.example:2525", "none", ("mail.example", 2525, "none")),
])
def test_smtp_url_and_security_choose_host_port_and_tls(url, security, expected):
    mailer = mail.SMTPMailer.from_url(url, security)
    assert (mailer.host, mailer.port, mailer.security) == expected


@pytest.mark.parametrize("url,security", [("http://mail.example", "none"), ("smtp://", "none"),
                                          ("smtp://mail.example", "tls-please")])
def test_bad_smtp_settings_are_a_mail_error(url, security):
    with pytest.raises(mail.MailError):
        mail.SMTPMailer.from_url(url, security)


def test_folder_mailer_keeps_one_eml_per_mail_and_lists_the_newest_first(tmp_path):
    mailer = mail.FolderMailer(tmp_path / "mail")
    for subject in ("First", "Second"):
        message = plain_message(subject)
        message["Date"] = "Wed, 25 Nov 2026 20:00:00 +0000"
        mailer.send(message)
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
    newest, oldest = mailer.messages()
    assert ((newest.subject, newest.to, newest.text.strip())
            == ("Second", "b@example.com", "Second body"))
    assert oldest.subject == "First" and newest.sent_at.year == 2026


def test_without_smtp_the_portal_writes_mail_to_its_folder(sb, tmp_path):
    folder_app = make_app(sb, f"sqlite:///{tmp_path / 'p.db'}", MAIL_FOLDER=str(tmp_path / "mail"))
    with folder_app.test_request_context():
        assert mail.uses_folder()
        mail.send(**confirm_mail())
        (stored,) = mail.FolderMailer(mail.folder()).messages()
    assert stored.subject == "Confirm your email address" and stored.to == "ann@example.com"
    assert "https://portal.example/confirm/abc" in stored.text


def test_mail_is_rendered_in_the_traders_language_or_the_default(app, inbox):
    app.config["LANGUAGES"] = ["en", "pl"]
    with app.test_request_context():
        mail.send(**confirm_mail(to="pl@example.com", language="pl"))
        mail.send(**confirm_mail(to="xx@example.com", language="xx"))
    assert '<html lang="pl">' in html_of(inbox.last("pl@example.com"))
    assert '<html lang="en">' in html_of(inbox.last("xx@example.com"))


def test_a_mail_in_the_traders_language_leaves_the_pages_language_alone(app, inbox):
    """A mail sent while a page is answered in another language is written all in the trader's
    language, the texts of its included button too, and the page goes on in its own."""
    from flask import render_template_string
    app.config["LANGUAGES"] = ["en", "pl"]
    page = '{{ _("Confirm my email address") }}'
    with app.test_request_context("/?lang=en"):
        assert render_template_string(page) == "Confirm my email address"
        mail.send(**confirm_mail(to="pl@example.com", language="pl"))
        assert render_template_string(page) == "Confirm my email address"
    html = html_of(inbox.last("pl@example.com"))
    assert "Potwierdź mój adres e-mail" in html and "Confirm my" not in html
    assert "Potwierdź adres e-mail, którym logujesz się do portalu tradera" in html


def test_send_quietly_logs_a_failure_and_carries_on(app, mail_log):
    app.config["SMTP_URL"] = f"smtp://user:Secret-Pw9@127.0.0.1:{free_port()}"
    with app.test_request_context():
        assert mail.send_quietly(**confirm_mail()) is False
    assert "not sent" in mail_log.text and "Secret-Pw9" not in mail_log.text


LINK = "https://portal.example/some/long/link/abc123"
EVERY_MAIL = {
    "confirm": dict(url=LINK, valid_for=timedelta(days=7)),
    "reset": dict(url=LINK, valid_for=timedelta(hours=1)),
    "claim": dict(url=LINK, email="ann@example.com", valid_for=timedelta(hours=1)),
    "open_failed": dict(offer_name="Live Standard USD", accounts_url=LINK),
    "signup_failed": dict(taken=True, claim_url=LINK, register_url=LINK),
    "password_changed": dict(kind="change", email="ann@example.com", forgot_url=LINK,
                             support_email="", support_url=""),
    "account_opened": dict(offer_name="Live Standard USD", login="200001", demo=False,
                           currency="USD", platform="Match-Trader", server="MTR Live",
                           metatrader="", platform_url=LINK, fund_url=LINK, accounts_url=LINK),
}


@pytest.mark.parametrize("template", sorted(EVERY_MAIL))
def test_every_mail_links_by_a_button_in_html_and_by_the_address_in_text(app, inbox, template):
    with app.test_request_context():
        mail.send("ann@example.com", template, "Subject", name="Ann", **EVERY_MAIL[template])
    message = inbox.last("ann@example.com")
    html = html_of(message)
    visible = re.sub(r"<[^>]+>", " ", html)
    assert LINK in text_of(message)
    assert f'<a href="{LINK}"' in html and 'bgcolor="#1d4ed8"' in html  # the default brand colour
    assert "http" not in visible  # a button label, never the raw address
    assert "<b>Trader portal</b>" in html and "Hello Ann," in visible


def test_polish_mails_greet_neutrally_without_the_name(app, inbox):
    app.config["LANGUAGES"] = ["en", "pl"]
    with app.test_request_context():
        mail.send(**confirm_mail(to="pl@example.com", language="pl"))
    message = inbox.last("pl@example.com")
    assert text_of(message).splitlines()[0] == "Dzień dobry," and "Ann" not in text_of(message)
    assert "<p>Dzień dobry,</p>" in html_of(message)
