"""The settings mypy's Django plugin loads: the project's, with the test suite's throw-away
SECRET_KEY when none is set (config/testenv.py), so that type checking needs no secret."""

from __future__ import annotations

import config.testenv  # noqa: F401  (sets SECRET_KEY before the settings read it)
from config.settings import *  # noqa: F403
