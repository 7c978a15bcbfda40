"""`flask verify-broker` against the sandbox in each kind: one line per behaviour, and an exit
status that says whether the portal can work against that broker."""
from __future__ import annotations

import pytest

from sandbox import seed
from tests.support import make_app


@pytest.fixture(params=["crm-api", "broker-api"])
def verify(request, sb, tmp_path):
    """Run the command against the sandbox as a portal of the given kind would."""
    sb.kind = request.param
    apps = []

    def run(*args, env=None, **config):
        app = make_app(sb, f"sqlite:///{tmp_path / 'p.db'}", BROKER_API_KIND=request.param,
                       **config)
        apps.append(app)
        result = app.test_cli_runner().invoke(args=["verify-broker", *args], env=env or {})
        lines = {line.split()[0]: line for line in result.output.splitlines()
                 if line.startswith("  ")}
        return result, lines, result.output
    yield run
    for app in apps:
        app.extensions["broker"].close()


def test_the_sandbox_passes_every_check(verify, sb):
    result, lines, output = verify(env={"VERIFY_EMAIL": seed.EMAIL_ANN})
    assert result.exit_code == 0, output
    for name in ("connection", "auth", "offers", "roles", "branches", "by-email,",
                 "trading-accounts", "one-time"):
        assert " OK " in lines[name], output
    assert "8 parsed, 1 hidden" in lines["offers"]
    assert "The portal can work against this broker." in output
    assert sb.call_count("create_account") == 0  # read-only


def test_without_a_known_email_the_token_check_is_skipped(verify):
    result, lines, output = verify()
    assert result.exit_code == 0 and "SKIPPED" in lines["one-time"]


def test_a_key_that_may_not_read_roles_is_forbidden_and_fails_the_command(verify, sb):
    sb.faults.add("error", endpoint="roles", status=403)
    result, lines, output = verify()
    assert result.exit_code == 1
    assert "FORBIDDEN" in lines["roles"] and "read roles" in lines["roles"]


def test_an_unknown_email_answered_400_differs_and_says_what_the_portal_does(verify, sb):
    sb.faults.add("error", endpoint="account_by_email", status=400)
    result, lines, output = verify()
    assert result.exit_code == 0, output
    assert "DIFFERS" in lines["by-email,"] and "no such Account" in lines["by-email,"]


def test_a_smaller_page_cap_differs_and_names_the_bound(verify, sb):
    sb.variants.max_page_size = 100
    result, lines, output = verify()
    assert result.exit_code == 0
    assert "DIFFERS" in lines["trading-accounts"] and "500 matches" in lines["trading-accounts"]


def test_a_missing_branch_name_differs(verify):
    result, lines, output = verify(BROKER_BRANCH_NAME="Nowhere")
    assert result.exit_code == 0 and "DIFFERS" in lines["branches"]
    assert "BROKER_BRANCH_NAME" in lines["branches"]


def test_the_wrong_auth_form_fails_and_names_the_setting(verify, sb):
    sb.variants.auth_scheme = "raw"
    result, lines, output = verify(BROKER_AUTH_SCHEME="bearer")
    assert result.exit_code == 1
    assert "BROKER_AUTH_SCHEME=raw" in lines["auth"]


def test_the_one_time_token_permission_is_checked_for_a_known_email(verify, sb):
    sb.variants.one_time_token_forbidden = True
    result, lines, output = verify(env={"VERIFY_EMAIL": seed.EMAIL_ANN})
    assert result.exit_code == 0  # traders can still log in on the platform themselves
    assert "FORBIDDEN" in lines["one-time"] and "Create One Time Token" in lines["one-time"]


def test_write_creates_one_account_on_a_demo_offer_and_says_so(verify, sb):
    before = len(sb.store.data["accounts"])
    result, lines, output = verify("--write")
    assert result.exit_code == 0, output
    assert len(sb.store.data["accounts"]) == before + 1
    assert " OK " in lines["write:"] and "portal-verify-" in lines["write:"]
