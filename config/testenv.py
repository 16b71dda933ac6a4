"""The environment of the test suite and the type checker, never of a server.

Loaded by pytest before Django's settings (`-p config.testenv` in pyproject.toml's addopts),
so that `config.settings`, which refuses to start without SECRET_KEY when DEBUG is false,
finds a throw-away key. Processes the tests start inherit it; a test of the refusal itself
removes it from the child's environment.
"""

from __future__ import annotations

import os

TEST_SECRET_KEY = "tests-only-not-secret-4q8Zr2Lk9Vw7Xc3Bn6Mp1Hs5Jd0Gf"

os.environ.setdefault("SECRET_KEY", TEST_SECRET_KEY)
