"""The Call's time rules, each at its boundary (shared/domain.md "Presidency, Secretary
General, Comptroller, CIESS Director": the regulation sets the deadline; the issue: "checked
to the second", "deadline instants across time zones").

- A deadline typed as a local date and time in the Call's IANA zone is one UTC instant:
  23:59:59 in Mexico City is 05:59:59 UTC the next day.
- In a zone with daylight saving time (America/Santiago) the offset follows the date; a
  local time skipped (clocks forward) or repeated (clocks back) is refused.
- The opening comes strictly before the deadline.
- A Call is open from its opening (included) to its deadline (excluded), to the microsecond,
  and only once published.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from secretariat.elections.models import Call
from secretariat.elections.selectors.calls import call_is_open, deadline_display
from secretariat.elections.services.call_parts import default_term_end
from secretariat.elections.services.calls import check_dates, check_time_zone, local_instant
from secretariat.governance.models import Office

UTC = dt.UTC


def test_it_turns_a_mexico_city_deadline_into_the_next_day_in_utc():
    # given / when
    instant = local_instant(dt.datetime(2027, 3, 31, 23, 59, 59), "America/Mexico_City")
    # then
    assert instant == dt.datetime(2027, 4, 1, 5, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        # Mexico City has had no daylight saving time since 2022: UTC−6 all year.
        ("America/Mexico_City", (2026, 7, 15, 23, 59, 59), (2026, 7, 16, 5, 59, 59)),
        # Santiago: UTC−3 in (southern) summer, UTC−4 in winter.
        ("America/Santiago", (2027, 1, 15, 23, 59, 59), (2027, 1, 16, 2, 59, 59)),
        ("America/Santiago", (2026, 7, 15, 23, 59, 59), (2026, 7, 16, 3, 59, 59)),
        ("America/New_York", (2026, 7, 15, 12, 0, 0), (2026, 7, 15, 16, 0, 0)),
        ("America/New_York", (2026, 12, 15, 12, 0, 0), (2026, 12, 15, 17, 0, 0)),
        ("Europe/Madrid", (2026, 12, 15, 23, 59, 59), (2026, 12, 15, 22, 59, 59)),
        ("UTC", (2026, 12, 15, 23, 59, 59), (2026, 12, 15, 23, 59, 59)),
    ],
)
def test_it_reads_the_local_time_in_the_calls_zone(zone, local, utc):
    assert local_instant(dt.datetime(*local), zone) == dt.datetime(*utc, tzinfo=UTC)


def test_it_refuses_a_local_time_the_clocks_skip_in_santiago():
    # given: on 6 September 2026 Santiago's clocks go from 00:00 to 01:00
    skipped = dt.datetime(2026, 9, 6, 0, 30)
    # when / then
    with pytest.raises(ValidationError) as error:
        local_instant(skipped, "America/Santiago")
    assert "does not exist" in str(error.value)
    # the minutes on each side exist
    assert local_instant(dt.datetime(2026, 9, 5, 23, 59, 59), "America/Santiago") == dt.datetime(
        2026, 9, 6, 3, 59, 59, tzinfo=UTC
    )
    assert local_instant(dt.datetime(2026, 9, 6, 1, 0, 0), "America/Santiago") == dt.datetime(
        2026, 9, 6, 4, 0, 0, tzinfo=UTC
    )


def test_it_refuses_a_local_time_that_occurs_twice_in_santiago():
    # given: on 5 April 2026 Santiago's clocks go back from 00:00 to 23:00 of the 4th
    repeated = dt.datetime(2026, 4, 4, 23, 30)
    # when / then
    with pytest.raises(ValidationError) as error:
        local_instant(repeated, "America/Santiago")
    assert "occurs twice" in str(error.value)
    assert local_instant(dt.datetime(2026, 4, 4, 22, 59, 59), "America/Santiago") == dt.datetime(
        2026, 4, 5, 1, 59, 59, tzinfo=UTC
    )


def test_it_takes_an_aware_moment_as_it_is():
    moment = dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert local_instant(moment, "America/Santiago") == moment


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "america/mexico_city ", "../etc/passwd"])
def test_it_refuses_an_unknown_time_zone(name):
    with pytest.raises(ValidationError):
        check_time_zone(name)


def test_it_accepts_any_iana_zone():
    assert check_time_zone("Pacific/Chatham") == "Pacific/Chatham"


def test_it_wants_the_opening_strictly_before_the_deadline():
    moment = dt.datetime(2026, 1, 1, tzinfo=UTC)
    check_dates(moment, moment + dt.timedelta(microseconds=1))
    with pytest.raises(ValidationError):
        check_dates(moment, moment)
    with pytest.raises(ValidationError):
        check_dates(moment + dt.timedelta(seconds=1), moment)
    with pytest.raises(ValidationError):
        check_dates(None, moment)


def _call(state: str = Call.State.PUBLISHED) -> Call:
    # An unsaved row: call_is_open reads only its state and instants.
    call = Call(
        opens_at=dt.datetime(2027, 1, 1, 15, 0, tzinfo=UTC),
        deadline=dt.datetime(2027, 4, 1, 5, 59, 59, tzinfo=UTC),
        time_zone="America/Mexico_City",
    )
    call.__dict__["state"] = state  # FSM-protected field: set as the database would load it
    return call


def test_it_is_open_from_the_opening_to_the_deadline_to_the_microsecond():
    call = _call()
    tick = dt.timedelta(microseconds=1)
    assert not call_is_open(call, call.opens_at - tick)
    assert call_is_open(call, call.opens_at)
    assert call_is_open(call, call.deadline - tick)
    assert not call_is_open(call, call.deadline)
    assert not call_is_open(call, call.deadline + tick)


@pytest.mark.parametrize("state", [Call.State.DRAFT, Call.State.APPROVED, Call.State.CLOSED])
def test_it_is_never_open_unless_published(state):
    call = _call(state)
    assert not call_is_open(call, call.opens_at + dt.timedelta(days=1))


@given(offset=st.integers(min_value=-(10**12), max_value=10**12))
def test_it_is_open_exactly_between_the_two_instants(offset):
    call = _call()
    moment = call.opens_at + dt.timedelta(microseconds=offset)
    assert call_is_open(call, moment) == (call.opens_at <= moment < call.deadline)


def test_it_shows_the_deadline_in_the_calls_zone_and_utc():
    call = _call()
    rows = deadline_display(call, None)
    assert [r.zone for r in rows] == ["America/Mexico_City", "UTC"]
    assert rows[0].moment.replace(tzinfo=None) == dt.datetime(2027, 3, 31, 23, 59, 59)
    assert rows[0].offset == "UTC−06:00"
    assert rows[1].moment.replace(tzinfo=None) == dt.datetime(2027, 4, 1, 5, 59, 59)
    assert rows[1].offset == "UTC+00:00"


def test_it_adds_the_viewers_zone_when_known():
    rows = deadline_display(_call(), "America/Santiago")
    assert [r.zone for r in rows] == ["America/Mexico_City", "America/Santiago", "UTC"]
    # 31 March 2027 in Santiago is still summer time (UTC−3)
    assert rows[1].moment.replace(tzinfo=None) == dt.datetime(2027, 4, 1, 2, 59, 59)
    assert rows[1].is_viewer_zone


def test_it_ends_a_term_after_the_offices_term_length():
    office = Office(code="x", name="X", term_years=3)
    assert default_term_end(office, dt.date(2028, 1, 1)) == dt.date(2031, 1, 1)
    assert default_term_end(office, dt.date(2028, 2, 29)) == dt.date(2031, 3, 1)
    assert default_term_end(Office(code="y", name="Y"), dt.date(2028, 1, 1)) is None
