"""NIP validation: examples, and properties over generated PNS and PPPK numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pantau.errors import RegistryError
from pantau.registry.nip import NipProblem, check_nip, guess_status, parse_nip

TODAY = date(2026, 11, 23)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _month_start_on_or_after(day: date) -> date:
    if day.day == 1:
        return day
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@st.composite
def pns_nips(draw: st.DrawFn) -> tuple[str, date, date, int, int]:
    """A valid PNS NIP with its birth date, TMT, gender digit and sequence."""
    born = draw(st.dates(date(1940, 1, 1), _add_years(TODAY, -18) - timedelta(days=31)))
    first = _month_start_on_or_after(_add_years(born, 18))
    last = min(_add_years(born, 70), TODAY)
    months = (last.year - first.year) * 12 + last.month - first.month
    assume(months >= 0)
    k = draw(st.integers(0, months))
    tmt = date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
    gender = draw(st.sampled_from([1, 2]))
    seq = draw(st.integers(1, 999))
    nip = f"{born:%Y%m%d}{tmt:%Y%m}{gender}{seq:03d}"
    return nip, born, tmt, gender, seq


@st.composite
def pppk_nips(draw: st.DrawFn) -> tuple[str, date, int]:
    born = draw(st.dates(date(1950, 1, 1), _add_years(TODAY, -18)))
    low, high = max(2019, born.year + 18), min(TODAY.year, born.year + 70)
    assume(low <= high)
    year = draw(st.integers(low, high))
    gender, seq = draw(st.sampled_from("12")), draw(st.integers(1, 999))
    return f"{born:%Y%m%d}{year}21{gender}{seq:03d}", born, year


@given(pns_nips())
def test_valid_pns_nips_are_accepted_with_their_parts(case: tuple) -> None:
    nip, born, tmt, gender, seq = case
    parts = parse_nip(nip, status="PNS", today=TODAY)
    assert parts.birth_date == born
    assert (parts.appointment_year, parts.appointment_month) == (tmt.year, tmt.month)
    assert parts.gender == ("L" if gender == 1 else "P")
    assert parts.sequence == seq
    assert parts.pppk_code is None
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert check_nip(spaced, status="PNS", today=TODAY).parts == parts


@given(pppk_nips())
def test_valid_pppk_nips_are_accepted(case: tuple[str, date, int]) -> None:
    nip, born, year = case
    parts = parse_nip(nip, status="PPPK", today=TODAY)
    assert (parts.birth_date, parts.appointment_year, parts.pppk_code) == (born, year, "21")
    assert parts.appointment_month is None
    assert guess_status(nip) == "PPPK"


def _only(nip: str, problem: NipProblem, status: str = "PNS") -> None:
    result = check_nip(nip, status=status, today=TODAY)  # type: ignore[arg-type]
    assert not result.ok
    assert result.codes == {problem}, result.problems


@given(pns_nips(), st.sampled_from("03456789"))
def test_gender_digit_other_than_1_or_2_is_rejected(case: tuple, digit: str) -> None:
    nip = case[0]
    _only(nip[:14] + digit + nip[15:], NipProblem.GENDER)


@given(pns_nips())
def test_sequence_000_is_rejected(case: tuple) -> None:
    _only(case[0][:15] + "000", NipProblem.SEQUENCE)


@given(pns_nips(), st.integers(0, 99).filter(lambda m: not 1 <= m <= 12))
def test_tmt_month_outside_1_12_is_rejected(case: tuple, month: int) -> None:
    nip = case[0]
    _only(f"{nip[:12]}{month:02d}{nip[14:]}", NipProblem.TMT_MONTH)


@given(pns_nips(), st.integers(32, 99) | st.just(0))
def test_impossible_birth_day_is_rejected(case: tuple, day: int) -> None:
    nip = case[0]
    _only(f"{nip[:6]}{day:02d}{nip[8:]}", NipProblem.BIRTH_DATE)


@given(pns_nips(), st.integers(TODAY.year + 1, 2099))
def test_tmt_in_the_future_is_rejected(case: tuple, year: int) -> None:
    nip = case[0]
    _only(f"{nip[:8]}{year}{nip[12:]}", NipProblem.TMT_FUTURE)


@given(pns_nips(), st.integers(0, 17))
def test_tmt_before_age_18_is_rejected(case: tuple, age: int) -> None:
    nip, born = case[0], case[1]
    _only(f"{nip[:8]}{born.year + age}{nip[12:]}", NipProblem.TMT_AGE)


@given(pns_nips(), st.integers(1, 25).filter(lambda n: n != 18))
def test_wrong_length_is_rejected(case: tuple, length: int) -> None:
    nip = case[0]
    _only((nip + "1" * 7)[:length], NipProblem.LENGTH)


@given(pns_nips(), st.integers(0, 17), st.sampled_from("xO/+"))
def test_non_digits_are_rejected(case: tuple, index: int, char: str) -> None:
    nip = case[0]
    _only(nip[:index] + char + nip[index + 1 :], NipProblem.DIGITS)


@given(pppk_nips(), st.integers(0, 99).filter(lambda c: c != 21))
def test_unknown_pppk_code_is_rejected(case: tuple, code: int) -> None:
    nip = case[0]
    _only(f"{nip[:12]}{code:02d}{nip[14:]}", NipProblem.PPPK_CODE, status="PPPK")


@given(pppk_nips(), st.integers(1990, 2018))
def test_pppk_before_2019_is_rejected(case: tuple, year: int) -> None:
    nip, born = case[0], case[1]
    assume(year >= born.year + 18)
    _only(f"{nip[:8]}{year}{nip[12:]}", NipProblem.PPPK_YEAR, status="PPPK")


def test_pns_with_a_pppk_number_gets_a_hint() -> None:
    result = check_nip("199606232023212015", status="PNS", today=TODAY)
    assert result.codes == {NipProblem.TMT_MONTH}
    assert "status PPPK" in result.message()


def test_born_before_1940_or_in_the_future_is_rejected() -> None:
    assert check_nip("193912312000011001", today=TODAY).codes == {NipProblem.BIRTH_RANGE}
    assert check_nip("202701012026011001", today=TODAY).codes == {NipProblem.BIRTH_RANGE}


def test_parse_nip_names_every_problem() -> None:
    with pytest.raises(RegistryError) as caught:
        parse_nip("199413082020133000", status="PNS", today=TODAY)
    text = str(caught.value)
    assert "birth date 19941308" in text
    assert "TMT month 13" in text
    assert "gender digit 3" in text
    assert "sequence 000" in text
