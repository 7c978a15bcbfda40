"""Signed one-time links: bound to their purpose, reserved once, built on PORTAL_URL."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal import config as settings
from portal.extensions import db
from portal.models import UsedLink, utcnow
from portal.services import links


def test_a_link_made_for_one_purpose_is_refused_for_another(app):
    with app.app_context():
        token = links.make("reset", {"u": 1})
        assert links.load("reset", token, 60) == {"u": 1}
        with pytest.raises(links.LinkInvalid):
            links.load("claim", token, 60)


def test_a_reserved_link_cannot_be_reserved_again_until_released(app):
    with app.app_context():
        token = links.make("claim", {"e": "a@example.com"})
        links.reserve("claim", token)
        assert links.is_used(token)
        with pytest.raises(links.LinkUsed):
            links.reserve("claim", token)
        links.release(token)
        assert not links.is_used(token)


def test_the_fingerprint_names_a_password_hash_without_showing_it(app):
    with app.app_context():
        value = links.fingerprint("$argon2id$v=19$m=65536,t=3,p=4$abc$def")
        assert value != links.fingerprint("$argon2id$v=19$m=65536,t=3,p=4$abc$xyz")
        assert "argon2" not in value and len(value) == 24


def test_mail_links_are_built_on_portal_url_even_outside_a_request(app):
    app.config["PORTAL_URL"] = "https://portal.example/traders"
    with app.app_context():
        assert links.external_url("passwords.forgot") == "https://portal.example/traders/password/forgot"


def test_production_refuses_to_start_without_portal_url():
    config = settings.from_env({"PORTAL_ENV": "production", "SECRET_KEY": "s" * 32,
                                "PENDING_SECRET_KEY": "p" * 32, "METRICS_TOKEN": "m",
                                "BROKER_API_URL": "https://broker.example",
                                "BROKER_API_TOKEN": "t"})
    with pytest.raises(RuntimeError, match="PORTAL_URL"):
        settings.check_production(config)
    settings.check_production({**config, "PORTAL_URL": "https://portal.example"})


def test_records_of_links_past_their_maximum_age_are_dropped(app):
    with app.app_context():
        db.session.add(UsedLink(purpose="reset", digest="0" * 64,
                                used_at=utcnow() - timedelta(hours=3)))
        db.session.commit()
        links.reserve("reset", links.make("reset", {"u": 2}))
        assert "0" * 64 not in db.session.scalars(db.select(UsedLink.digest)).all()
