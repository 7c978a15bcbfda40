"""Where the browser tests keep their artifacts (git-ignored)."""
from __future__ import annotations

from pathlib import Path

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR / "artifacts"
SCREENSHOTS = ARTIFACTS / "pages"  # every page at both sizes, always
FAILURES = ARTIFACTS / "failures"  # per failing test: trace.zip and failure-N.png
LOGS = ARTIFACTS / "logs"  # sandbox, portal, worker and migration output
