"""Staff accounts from `flask staff …`, their logins, and the funnel's period and chart."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portal.extensions import db
from portal.models import AuditEvent, LandingCount, StaffUser
from portal.services import audit, funnel, staff

PASSWORD = "Market-Team42"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=["staff", *args], input=input)
    return run


def test_staff_add_asks_for_the_password_twice_and_the_account_can_log_in(app, cli):
    result = cli("add", "Ann@Example.com", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed hidden
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    with app.app_context():
        assert staff.log_in("ann@example.com", PASSWORD, audit.Actor()) is not None
        assert db.session.scalar(db.select(StaffUser)).password_hash.startswith("$argon2id$")


def test_staff_add_refuses_mismatched_weak_and_taken_passwords_and_emails(app, cli):
    assert cli("add", "ann@example.com", input=f"{PASSWORD}\nOther-Pass99\n"
                                                f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    weak = cli("add", "bob@example.com", "--password-stdin", input="short\n")
    assert weak.exit_code != 0 and "Use at least 8 characters." in weak.output
    taken = cli("add", "ANN@example.com", "--password-stdin", input=f"{PASSWORD}\n")
    assert taken.exit_code != 0 and "already exists" in taken.output
    assert cli("add", "not-an-email", "--password-stdin", input=f"{PASSWORD}\n").exit_code != 0


def test_staff_list_and_disable(app, cli):
    cli("add", "ann@example.com", "--password-stdin", input=f"{PASSWORD}\n")
    cli("add", "bob@example.com", "--password-stdin", input=f"{PASSWORD}\n")
    assert cli("disable", "bob@example.com").exit_code == 0
    listed = cli("list").output.splitlines()
    assert listed[0].startswith("ann@example.com  [active]")
    assert listed[1].startswith("bob@example.com  [disabled]")
    with app.app_context():
        assert staff.log_in("bob@example.com", PASSWORD, audit.Actor()) is None
    assert cli("disable", "nobody@example.com").exit_code != 0


def test_logins_are_audited_without_naming_a_trader(app):
    with app.app_context():
        staff.add("ann@example.com", PASSWORD)
        staff.log_in("ann@example.com", "Wrong-Pass99", audit.Actor(ip="192.0.2.1"))
        staff.log_in("ann@example.com", PASSWORD, audit.Actor(ip="192.0.2.1"))
        events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.kind, e.email, e.ip, e.user_id) for e in events] == [
        ("staff_login_failed", "ann@example.com", "192.0.2.1", None),
        ("staff_login", "ann@example.com", "192.0.2.1", None)]


def test_a_session_is_current_only_for_its_version_of_an_active_account(app):
    with app.app_context():
        ann = staff.add("ann@example.com", PASSWORD)
        issued = staff.session_id(ann)
        assert staff.of_session(issued) is ann
        assert staff.of_session("1:2") is None and staff.of_session("x") is None
        staff.disable("ann@example.com")
        assert staff.of_session(issued) is None


def test_a_period_is_whole_utc_days_with_its_last_day_included():
    period = staff.Period.recent(date(2026, 3, 30))
    assert (period.first, period.last) == (date(2026, 3, 1), date(2026, 3, 30))
    assert period.since == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert period.until == datetime(2026, 3, 31, tzinfo=timezone.utc)


def test_funnel_until_leaves_out_landings_from_that_day_on(db_app):
    with db_app.app_context():
        db.session.add_all([LandingCount(day=date(2026, 3, d), campaign="c", source="s",
                                         medium="m", count=d) for d in (1, 2, 3)])
        db.session.commit()
        rows = funnel.funnel(since=datetime(2026, 3, 2, tzinfo=timezone.utc),
                             until=datetime(2026, 3, 3, tzinfo=timezone.utc))
    assert [(r.campaign, r.landings) for r in rows] == [("c", 2)]


def test_chart_bars_are_each_step_summed_relative_to_the_largest():
    rows = [funnel.FunnelRow("a", "s / m", 30, 10, 5, 1), funnel.FunnelRow("b", "s / m", 10, 0)]
    assert [(b.step, b.count, b.width) for b in staff.bars(rows)] == [
        ("landings", 40, 100.0), ("signups", 10, 25.0), ("first_account", 5, 12.5),
        ("first_live", 1, 2.5)]
    assert [b.width for b in staff.bars([])] == [0, 0, 0, 0]


def test_a_qr_code_is_an_svg_without_style_attributes():
    svg = staff.qr_svg("https://portal.example/go/spring", "QR code for the spring link")
    assert "<svg" in svg and "style=" not in svg
    assert "<title>QR code for the spring link</title>" in svg
