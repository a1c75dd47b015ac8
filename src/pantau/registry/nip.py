"""NIP validation: the 18-digit identity number of a civil servant (ASN).

PNS (Peraturan Kepala BKN 22/2007 and 43/2007)::

    YYYYMMDD  YYYYMM  G  NNN
    birth     TMT     |  sequence 001-999
    date      CPNS    gender: 1 male, 2 female

- birth date: a real date, born in 1940 or later, not in the future;
- TMT CPNS (first appointment, year and month; the day is always the 1st): a real month, not in
  the future, when the person was 18 to 70 years old.

PPPK ("NI PPPK", Nomor Induk PPPK; BKN has issued them since the first PPPK appointments in
2019). Public BKN material describes 18 digits: birth date, the year of first appointment as
PPPK, a two-digit code, gender and sequence::

    YYYYMMDD  YYYY  21  G  NNN

In every NI PPPK issued so far the code is ``21`` (BKN describes the field as the work-agreement
count; it sits where a PNS NIP has the TMT month, and 21 is never a month, so the two kinds of
number cannot be confused). What is knowable is therefore validated: the birth date as for PNS;
the appointment year 2019 or later, not in the future, the person 18 to 70 years old during it;
the code one of :data:`PPPK_CODES`; gender 1 or 2; sequence 001-999. Extend :data:`PPPK_CODES`
if BKN issues another code. A PPPK's birth date and appointment *month* cannot be cross-checked
beyond that.

:func:`check_nip` returns every problem (as :class:`NipProblem` codes with a sentence each);
:func:`parse_nip` returns the parts or raises :class:`pantau.errors.RegistryError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from pantau.errors import RegistryError

NIP_LENGTH = 18
MIN_BIRTH_YEAR = 1940
MIN_AGE_AT_APPOINTMENT = 18
MAX_AGE_AT_APPOINTMENT = 70
FIRST_PPPK_YEAR = 2019
PPPK_CODES: frozenset[str] = frozenset({"21"})

Status = Literal["PNS", "PPPK"]


class NipProblem(StrEnum):
    """Why a NIP is not valid (one code per rule, so tests can check the reason)."""

    LENGTH = "length"
    DIGITS = "digits"
    BIRTH_DATE = "birth_date"
    BIRTH_RANGE = "birth_range"
    TMT_MONTH = "tmt_month"
    TMT_FUTURE = "tmt_future"
    TMT_AGE = "tmt_age"
    PPPK_CODE = "pppk_code"
    PPPK_YEAR = "pppk_year"
    GENDER = "gender"
    SEQUENCE = "sequence"


@dataclass(frozen=True)
class NipParts:
    """The parts of a valid NIP."""

    nip: str
    status: Status
    birth_date: date
    appointment_year: int
    appointment_month: int | None  # PNS only (TMT CPNS); None for PPPK
    pppk_code: str | None  # PPPK only
    gender: Literal["L", "P"]  # laki-laki / perempuan
    sequence: int


@dataclass(frozen=True)
class NipCheck:
    """The result of :func:`check_nip`: the parts when valid, else every problem found."""

    nip: str
    parts: NipParts | None
    problems: tuple[tuple[NipProblem, str], ...]

    @property
    def ok(self) -> bool:
        return self.parts is not None

    @property
    def codes(self) -> frozenset[NipProblem]:
        return frozenset(code for code, _ in self.problems)

    def message(self) -> str:
        return "; ".join(text for _, text in self.problems)


def clean_nip(raw: str) -> str:
    """Drop the spaces, dots and dashes people type into NIPs (``19850312 201003 1 001``)."""
    return "".join(ch for ch in raw.strip() if ch not in " .-\u00a0")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def _birth(digits: str, today: date, problems: list[tuple[NipProblem, str]]) -> date | None:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        problems.append((NipProblem.BIRTH_DATE, f"birth date {digits[0:8]} is not a real date"))
        return None
    if born.year < MIN_BIRTH_YEAR or born > today:
        problems.append(
            (
                NipProblem.BIRTH_RANGE,
                f"birth date {born.isoformat()} is outside {MIN_BIRTH_YEAR}..today",
            )
        )
        return None
    return born


def _pns_tmt(
    digits: str, born: date | None, today: date, problems: list[tuple[NipProblem, str]]
) -> int | None:
    year, month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= month <= 12:
        hint = " (that is a PPPK code: is the status PPPK?)" if digits[12:14] in PPPK_CODES else ""
        problems.append((NipProblem.TMT_MONTH, f"TMT month {digits[12:14]} is not 01-12{hint}"))
        return None
    tmt = date(year, month, 1)
    if (year, month) > (today.year, today.month):
        problems.append((NipProblem.TMT_FUTURE, f"TMT {year}-{month:02d} is in the future"))
    elif born is not None and not (
        _add_years(born, MIN_AGE_AT_APPOINTMENT) <= tmt <= _add_years(born, MAX_AGE_AT_APPOINTMENT)
    ):
        problems.append(
            (
                NipProblem.TMT_AGE,
                f"TMT {year}-{month:02d} is not when someone born {born.isoformat()} was "
                f"{MIN_AGE_AT_APPOINTMENT}-{MAX_AGE_AT_APPOINTMENT} years old",
            )
        )
    return month


def _pppk_year(
    digits: str, born: date | None, today: date, problems: list[tuple[NipProblem, str]]
) -> None:
    year, code = int(digits[8:12]), digits[12:14]
    if code not in PPPK_CODES:
        known = ", ".join(sorted(PPPK_CODES))
        problems.append((NipProblem.PPPK_CODE, f"PPPK code {code} is not a known code ({known})"))
    if not FIRST_PPPK_YEAR <= year <= today.year:
        problems.append(
            (
                NipProblem.PPPK_YEAR,
                f"PPPK appointment year {year} is outside {FIRST_PPPK_YEAR}..{today.year}",
            )
        )
    elif born is not None and not (
        _add_years(born, MIN_AGE_AT_APPOINTMENT) <= date(year, 12, 31)
        and date(year, 1, 1) <= _add_years(born, MAX_AGE_AT_APPOINTMENT)
    ):
        problems.append(
            (
                NipProblem.TMT_AGE,
                f"PPPK appointment year {year} is not when someone born {born.isoformat()} was "
                f"{MIN_AGE_AT_APPOINTMENT}-{MAX_AGE_AT_APPOINTMENT} years old",
            )
        )


def guess_status(nip: str) -> Status:
    """PPPK when the month position holds a PPPK code, else PNS."""
    return "PPPK" if len(nip) == NIP_LENGTH and nip[12:14] in PPPK_CODES else "PNS"


def check_nip(raw: str, *, status: Status | None = None, today: date | None = None) -> NipCheck:
    """Validate ``raw`` as the NIP of a civil servant with ``status`` (guessed when None)."""
    today = today or date.today()
    nip = clean_nip(raw)
    if not nip.isascii() or not nip.isdigit():
        return NipCheck(nip, None, ((NipProblem.DIGITS, "a NIP has digits only"),))
    if len(nip) != NIP_LENGTH:
        return NipCheck(
            nip, None, ((NipProblem.LENGTH, f"a NIP has 18 digits, this one {len(nip)}"),)
        )
    status = status or guess_status(nip)
    problems: list[tuple[NipProblem, str]] = []
    born = _birth(nip, today, problems)
    month: int | None = None
    if status == "PNS":
        month = _pns_tmt(nip, born, today, problems)
    else:
        _pppk_year(nip, born, today, problems)
    if nip[14] not in "12":
        problems.append((NipProblem.GENDER, f"gender digit {nip[14]} is not 1 or 2"))
    if nip[15:] == "000":
        problems.append((NipProblem.SEQUENCE, "sequence 000 is not 001-999"))
    if problems or born is None:
        return NipCheck(nip, None, tuple(problems))
    parts = NipParts(
        nip=nip,
        status=status,
        birth_date=born,
        appointment_year=int(nip[8:12]),
        appointment_month=month,
        pppk_code=nip[12:14] if status == "PPPK" else None,
        gender="L" if nip[14] == "1" else "P",
        sequence=int(nip[15:]),
    )
    return NipCheck(nip, parts, ())


def parse_nip(raw: str, *, status: Status | None = None, today: date | None = None) -> NipParts:
    """The parts of a valid NIP; :class:`RegistryError` naming every problem otherwise."""
    result = check_nip(raw, status=status, today=today)
    if result.parts is None:
        raise RegistryError(f"invalid NIP {raw!r}: {result.message()}")
    return result.parts
