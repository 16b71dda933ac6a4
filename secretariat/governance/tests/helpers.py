"""Helpers the governance tests share (fixtures are in conftest.py)."""

from __future__ import annotations

import pytest
from django.utils import translation


def _catalogs_have_the_convocation() -> bool:
    with translation.override("es"):
        return translation.pgettext("convocation", "CONVOCATION") != "CONVOCATION"


# The convocation's words are msgids (context "convocation") that the lead adds to the
# catalogs from /work/notes/prep-strings.md (issue #8: locale/ is not this branch's). Until
# then a convocation in Spanish, Portuguese or French reads in English, and the tests of
# those texts are expected to fail. Once the catalogs have the strings the condition is
# false and those tests run as any other (a missing translation then fails them): remove
# this mark then.
AWAITS_CATALOGS = pytest.mark.xfail(
    not _catalogs_have_the_convocation(),
    reason="the convocation's msgids are not in the catalogs yet (/work/notes/prep-strings.md)",
    strict=True,
)
