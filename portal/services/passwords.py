"""The portal's argon2id copy of each Account password, and the password rule in one place."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..i18n import lazy_gettext as _l

# Broker-API v2's documented rule (REFERENCE 10.2): 8+ characters with upper, lower and a digit.
MIN_LENGTH = 8
MAX_LENGTH = 128
RULE_TEXT = _l("At least 8 characters, with an upper-case letter, a lower-case letter and a digit.")

COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"

# argon2id with OWASP's lowest-memory recommended setting (7 MiB, 5 passes, 1 lane; the cheat sheet
# rates it equal in defence to 19 MiB with 2 passes at about the same CPU). A hash in progress
# sets each web worker's peak memory (`make bench`), so memory is the cost to keep low. Hashes
# made with other parameters are upgraded on the next successful login (needs_rehash).
_hasher = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)
# With a worker process per CPU, more than one hash at a time per process adds little throughput
# but a hash's memory per gunicorn thread to the peak.
_one_at_a_time = threading.BoundedSemaphore(1)
# Verified against when there is no hash, so an unknown email costs the same time as a known one.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def problems(password: str) -> list[str]:
    """What is wrong with ``password`` under the rule; empty when it is acceptable."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        found.append(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    if not re.search(r"[A-Z]", password) or not re.search(r"[a-z]", password):
        found.append(_l("Mix upper-case and lower-case letters."))
    if not re.search(r"\d", password):
        found.append(_l("Include at least one digit."))
    if not found and password.lower() in _common():
        found.append(_l("This password is too common. Choose one that is harder to guess."))
    return found


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """The shipped list of common passwords, lower-case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def hash_password(password: str) -> str:
    with _one_at_a_time:
        return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time on a dummy one and fail."""
    try:
        with _one_at_a_time:
            ok = _hasher.verify(password_hash or _DUMMY_HASH, password)
        return ok and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def verify_and_upgrade(holder, password: str) -> bool:
    """Check ``password`` against ``holder.password_hash`` (a dummy hash, in the same time,
    when there is no holder); on success, hash it again if the hashing parameters changed."""
    if not verify(holder.password_hash if holder is not None else None, password):
        return False
    if needs_rehash(holder.password_hash):
        holder.password_hash = hash_password(password)
    return True


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
