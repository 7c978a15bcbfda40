"""Bad input on every form: the message sits by the field; only passwords are lost."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import expect_field_error
from e2e.locations import SCREENSHOTS
from e2e.pages import (ChangePasswordPage, ClaimRequestPage, EditProfilePage, ErrorPage,
                       ForgotPasswordPage, LoginPage, MyDataPage, NewAccountPage, RegisterPage)
from e2e.support import DEMO_OFFER, sign_up, unique_email

NOT_AVAILABLE = "That offer is not available. Please choose one of the offers below."
BAD_EMAIL = "Enter a valid email address, like name@example.com."


@pytest.mark.destructive
def test_empty_registration_names_every_missing_field(page: Page):
    """Sending the empty form puts a message by each required field; the offer a plain
    /register starts with (the first demo offer) stays chosen."""
    register = RegisterPage(page)
    register.open()
    expect(register.opening).to_contain_text("Opening: Demo Standard EUR")
    register.send()
    expect_field_error(register.email, "Enter your email address.")
    expect_field_error(register.first_name, "Enter your first name.")
    expect_field_error(register.last_name, "Enter your last name.")
    expect_field_error(register.password, "Enter a password.")
    expect(register.offer("Demo Standard EUR")).to_be_checked()
    expect_field_error(register.terms, "You need to accept the terms to continue.")


def test_one_password_field_with_show_hide_and_a_live_checklist(page: Page):
    """Typing ticks each rule as it is met; "Show password" shows what was typed and "Hide
    password" hides it again. Only one password field is asked for."""
    register = RegisterPage(page)
    register.open()
    expect(page.locator("input[type=password]")).to_have_count(1)
    register.password.press_sequentially("abc")
    expect(register.rule("a lower-case letter")).to_have_class(re.compile(r"\bmet\b"))
    expect(register.rule("a lower-case letter")).to_contain_text("(done)")
    expect(register.rule("an upper-case letter")).to_have_class(re.compile(r"\bunmet\b"))
    register.password.press_sequentially("DEF12")
    for rule in ("at least 8 characters", "an upper-case letter", "a digit"):
        expect(register.rule(rule)).to_have_class(re.compile(r"\bmet\b"))
    expect(register.password).to_have_attribute("type", "password")
    register.show_password.click()
    expect(register.password).to_have_attribute("type", "text")
    expect(register.password).to_have_value("abcDEF12")
    register.password.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "register-password-shown-desktop.png")
    register.hide_password.click()
    expect(register.password).to_have_attribute("type", "password")


def test_the_password_rule_is_written_without_javascript(browser, browser_context_args):
    """No script: the rule is listed under the field and no show/hide button is offered."""
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    try:
        page = context.new_page()
        register = RegisterPage(page)
        register.open()
        expect(register.checklist).to_contain_text("at least 8 characters")
        expect(register.show_password).to_have_count(0)
        expect(register.password).to_have_accessible_description(
            re.compile("Your password needs: at least 8 characters"))
    finally:
        context.close()


@pytest.mark.destructive
def test_malformed_registration_keeps_what_was_typed_except_passwords(page: Page):
    """Bad email, weak password and bad phone: each said; the rest kept."""
    register = RegisterPage(page)
    register.open()
    register.fill(email="trader@", first="Ola", last="Nowak", password="weakpass",
                  offer_name=DEMO_OFFER, phone="12ab")
    register.send()
    expect_field_error(register.email, BAD_EMAIL)
    expect_field_error(register.password, "Mix upper-case and lower-case letters.")
    expect_field_error(register.password, "Include at least one digit.")
    expect_field_error(register.phone, "Enter a valid phone number")
    expect(register.email).to_have_value("trader@")
    expect(register.first_name).to_have_value("Ola")
    expect(register.last_name).to_have_value("Nowak")
    expect(register.phone).to_have_value("12ab")
    expect(register.offer(DEMO_OFFER)).to_be_checked()
    expect(register.terms).to_be_checked()
    expect(register.password).to_have_value("")


@pytest.mark.destructive
def test_short_password_is_refused_with_the_rule(page: Page):
    """A short password gets the length rule next to it."""
    register = RegisterPage(page)
    register.open()
    register.register(unique_email("short"), "Ola", "Nowak", "Ab1", offer_name=DEMO_OFFER)
    expect_field_error(register.password, "Use at least 8 characters.")
    expect(register.first_name).to_have_value("Ola")


@pytest.mark.parametrize("offer", ["no-such-offer", "staff-hidden-usd",
                                   "4f000000-0000-4000-8000-000000000005"])
def test_unknown_or_hidden_offer_in_the_register_link_is_not_offered(page: Page, offer: str):
    """An unknown, hidden or hidden-by-uuid offer in the URL: a notice and nothing preselected."""
    register = RegisterPage(page)
    register.open(offer)
    expect(register.alert).to_have_text(NOT_AVAILABLE)
    expect(register.offers.get_by_role("radio", checked=True)).to_have_count(0)
    expect(register.offers).not_to_contain_text("Staff Hidden")


@pytest.mark.parametrize("slug", ["no-such-offer", "staff-hidden-usd"])
def test_unknown_or_hidden_offer_page_is_not_found(page: Page, slug: str):
    """/offers/<slug> of an unknown or hidden offer is the 404 page."""
    response = page.goto(f"/offers/{slug}")
    assert response is not None and response.status == 404
    expect(ErrorPage(page).not_found_heading).to_be_visible()
    expect(ErrorPage(page).home_link).to_be_visible()


def test_login_with_empty_or_malformed_fields_says_which(page: Page):
    """Empty fields and a malformed email are named by the fields; the email stays."""
    login = LoginPage(page)
    login.open()
    login.login("", "")
    expect_field_error(login.email, "Enter your email address.")
    expect_field_error(login.password, "Enter your password.")
    login.login("someone@@example", "Whatever1")
    expect_field_error(login.email, BAD_EMAIL)
    expect(login.email).to_have_value("someone@@example")
    expect(login.password).to_have_value("")


def test_login_with_a_wrong_password_says_so_and_keeps_the_email(page: Page):
    """Unknown email or wrong password: one message, the email kept, a way to reset."""
    email = unique_email("nobody")
    login = LoginPage(page)
    login.open()
    login.login(email, "Wrong-Passw0rd")
    expect(login.error).to_contain_text("Email or password is incorrect.")
    expect(login.error.get_by_role("link", name="Forgot password?")).to_be_visible()
    expect(login.email).to_have_value(email)
    expect(login.password).to_have_value("")
    expect(login.heading).to_be_visible()


@pytest.mark.parametrize("form", [ForgotPasswordPage, ClaimRequestPage])
def test_email_link_forms_refuse_empty_and_malformed_addresses(page: Page, form):
    """"Forgot password" and "Set up your portal login" check the address before sending."""
    email_form = form(page)
    email_form.open()
    email_form.request_link("")
    expect_field_error(email_form.email, "Enter your email address.")
    email_form.request_link("name.example.com")
    expect_field_error(email_form.email, BAD_EMAIL)
    expect(email_form.email).to_have_value("name.example.com")
    expect(email_form.heading).to_be_visible()


@pytest.mark.destructive
def test_logged_in_forms_refuse_bad_input_by_the_field(page: Page):
    """Open another account, change password, edit profile and my data each explain a bad input."""
    trader = sign_up(page, tag="forms")

    new = NewAccountPage(page)
    new.open("no-such-offer")
    expect(new.alert).to_have_text(NOT_AVAILABLE)
    expect(new.open_button(DEMO_OFFER)).to_be_visible()  # every offer can still be opened

    change = ChangePasswordPage(page)
    change.open()
    change.change("Not-my-passw0rd", "Brand-New-Pass1")
    expect_field_error(change.current, "This is not your current password.")
    change.change(trader.password, "weak", "weak")
    expect_field_error(change.password, "Use at least 8 characters.")
    change.change(trader.password, "Brand-New-Pass1", "Brand-New-Pass2")
    expect_field_error(change.password, "The two passwords do not match.")
    expect(change.current).to_have_value("")

    edit = EditProfilePage(page)
    edit.open()
    edit.save(first_name="", city="Kraków", phone="600 700 800", date_of_birth="2999-01-01")
    expect_field_error(edit.first_name, "Enter your first name.")
    expect_field_error(edit.phone, "Start the number with its country code")
    expect_field_error(edit.date_of_birth, "The date of birth cannot be in the future.")
    expect(edit.city).to_have_value("Kraków")
    expect(edit.phone).to_have_value("600 700 800")
    expect(edit.last_name).to_have_value(trader.last)

    my_data = MyDataPage(page)
    my_data.open()
    my_data.request_deletion(confirm=False)
    expect_field_error(my_data.confirm, "Tick the box to confirm the request.")
    expect(page).to_have_url(re.compile(r"/my-data"))
