"""The decisions service: two-person rule, reasons, roles, clarification rounds, audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pantau.detect.models import Flag
from pantau.errors import InputRejected, PermissionDenied, ReviewError, TwoPersonRuleError
from pantau.review import users
from pantau.review.clarification import ClarificationInput, record_clarification
from pantau.review.decisions import (
    confirming_reviewers,
    decide,
    decisions_of,
    derive_status,
)
from pantau.review.decisions_models import Clarification, Decision
from pantau.review.models import AuditEntry, User
from pantau.review.permissions import Operator
from pantau.store.db import session_scope
from tests.support.review_app import OPERATOR, PASSWORD, make_users
from tests.support.review_flags import make_agency, make_asn, make_flag


@pytest.fixture
def world(engine: Engine) -> tuple[Engine, dict[str, User], int]:
    made = make_users(engine)
    with session_scope(engine) as s:
        made["reviewer2"] = users.add_user(
            session=s, actor=OPERATOR, username="reviewer2", role="reviewer", password=PASSWORD
        )
        person, account = make_asn(s, agency=make_agency(s))
        flag_id = make_flag(s, person=person, account=account).id
    return engine, made, flag_id


Act = Callable[..., str]


def _act(engine: Engine, flag_id: int) -> Act:
    def act(user: User | Operator, verdict: str, reason: str = "") -> str:
        with session_scope(engine) as s:
            who = s.merge(user) if isinstance(user, User) else user
            return decide(
                session=s, flag_id=flag_id, reviewer=who, verdict=verdict, reason=reason
            ).status

    return act


def _status(engine: Engine, flag_id: int) -> str:
    with session_scope(engine) as s:
        flag = s.get(Flag, flag_id)
        assert flag is not None
        return flag.status


def test_two_different_reviewers_confirm(world) -> None:
    engine, made, flag_id = world
    act = _act(engine, flag_id)
    assert _status(engine, flag_id) == "open"
    assert act(made["reviewer"], "confirm") == "in_review"
    assert _status(engine, flag_id) == "in_review"
    assert act(made["reviewer2"], "confirm") == "confirmed"
    assert _status(engine, flag_id) == "confirmed"
    with session_scope(engine) as s:
        witnesses = [d.reviewer for d in confirming_reviewers(session=s, flag_id=flag_id)]
    assert witnesses == ["reviewer", "reviewer2"]


def test_same_reviewer_twice_does_not_confirm(world) -> None:
    engine, made, flag_id = world
    act = _act(engine, flag_id)
    act(made["reviewer"], "confirm")
    with pytest.raises(TwoPersonRuleError, match="already responded"):
        act(made["reviewer"], "confirm")
    assert _status(engine, flag_id) == "in_review"
    with session_scope(engine) as s:
        assert [d.verdict for d in decisions_of(session=s, flag_id=flag_id)] == ["confirm"]
        assert confirming_reviewers(session=s, flag_id=flag_id) == []


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_dismiss_needs_a_reason(world, reason: str) -> None:
    engine, made, flag_id = world
    with pytest.raises(InputRejected, match="a dismissal needs a reason"):
        _act(engine, flag_id)(made["reviewer"], "dismiss", reason)
    assert _status(engine, flag_id) == "open"


def test_dismiss_with_reason_settles_the_flag(world) -> None:
    engine, made, flag_id = world
    act = _act(engine, flag_id)
    assert act(made["reviewer"], "dismiss", "Berita netral, bukan kampanye") == "dismissed"
    with pytest.raises(ReviewError, match="already dismissed"):
        act(made["reviewer2"], "confirm")
    with session_scope(engine) as s:
        (d,) = decisions_of(session=s, flag_id=flag_id)
        assert (d.reviewer, d.verdict, d.reason) == (
            "reviewer",
            "dismiss",
            "Berita netral, bukan kampanye",
        )


@pytest.mark.parametrize("role", ["admin", "analyst", "referral_officer", "auditor"])
def test_only_reviewers_decide(world, role: str) -> None:
    engine, made, flag_id = world
    with pytest.raises(PermissionDenied, match=r"may not flag\.decide"):
        _act(engine, flag_id)(made[role], "confirm")
    assert _status(engine, flag_id) == "open"


def test_operator_and_disabled_reviewer_cannot_decide(world) -> None:
    engine, _made, flag_id = world
    act = _act(engine, flag_id)
    with pytest.raises(PermissionDenied):
        act(Operator("root"), "confirm")
    with session_scope(engine) as s:
        users.disable_user(session=s, actor=OPERATOR, username="reviewer2")
    with session_scope(engine) as s:
        gone = s.scalars(select(User).where(User.username == "reviewer2")).one()
    with pytest.raises(PermissionDenied):
        act(gone, "confirm")


def test_unknown_verdict_and_missing_flag(world) -> None:
    engine, made, flag_id = world
    with pytest.raises(InputRejected, match="must be one of confirm, dismiss, clarify"):
        _act(engine, flag_id)(made["reviewer"], "approve")
    with pytest.raises(ReviewError, match="flag 999999 does not exist"):
        _act(engine, 999999)(made["reviewer"], "confirm")


def test_every_decision_is_audited(world) -> None:
    engine, made, flag_id = world
    act = _act(engine, flag_id)
    act(made["reviewer"], "confirm")
    act(made["reviewer2"], "confirm")
    with session_scope(engine) as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "flag.decide").order_by(AuditEntry.seq)
        ).all()
        got = [
            (e.actor, e.subject_id, e.detail["status_before"], e.detail["status"]) for e in entries
        ]
    assert got == [
        ("reviewer", str(flag_id), "open", "in_review"),
        ("reviewer2", str(flag_id), "in_review", "confirmed"),
    ]


def _reply(engine: Engine, flag_id: int, who: User, entry: ClarificationInput) -> Clarification:
    with session_scope(engine) as s:
        return record_clarification(session=s, flag_id=flag_id, recorder=s.merge(who), entry=entry)


def test_clarification_round_resets_earlier_confirmations(world) -> None:
    engine, made, flag_id = world
    act = _act(engine, flag_id)
    assert act(made["reviewer"], "confirm") == "in_review"
    assert act(made["reviewer2"], "clarify", "Apakah akun ini milik Anda?") == (
        "awaiting_clarification"
    )
    with pytest.raises(ReviewError, match="awaits the civil servant's clarification"):
        act(made["reviewer"], "confirm")  # nothing counts until the reply is recorded
    claim = ClarificationInput(
        reply_text="Akun saya diretas sejak Januari.",
        claim="compromised",
        checks_made="Riwayat login dan pola unggahan diperiksa; tidak ada tanda peretasan.",
        outcome="claim_not_substantiated",
    )
    done = _reply(engine, flag_id, made["referral_officer"], claim)
    assert (done.outcome, done.claim, done.recorded_by) == (
        "claim_not_substantiated",
        "compromised",
        "referral",
    )
    assert _status(engine, flag_id) == "in_review"
    # Round 1: the earlier confirmation no longer counts; both decide again, knowing the reply.
    assert act(made["reviewer"], "confirm") == "in_review"
    assert act(made["reviewer2"], "confirm") == "confirmed"
    with session_scope(engine) as s:
        rounds = [
            (d.reviewer, d.round, d.verdict) for d in decisions_of(session=s, flag_id=flag_id)
        ]
    assert rounds == [
        ("reviewer", 0, "confirm"),
        ("reviewer2", 0, "clarify"),
        ("reviewer", 1, "confirm"),
        ("reviewer2", 1, "confirm"),
    ]


@pytest.mark.parametrize(
    ("entry", "field", "reason"),
    [
        (
            ClarificationInput(reply_text="Diretas", claim="compromised", outcome="reply_received"),
            "checks_made",
            "must be checked",
        ),
        (
            ClarificationInput(
                reply_text="Diretas",
                claim="impersonated",
                checks_made="x",
                outcome="reply_received",
            ),
            "outcome",
            "held up",
        ),
        (
            ClarificationInput(reply_text="ok", claim="none", outcome="claim_substantiated"),
            "claim",
            "needs the claim",
        ),
        (ClarificationInput(reply_text="", outcome="reply_received"), "reply_text", "record"),
        (ClarificationInput(reply_text="x", outcome="pending"), "outcome", "must be one of"),
        (ClarificationInput(reply_text="x", claim="hacked"), "claim", "must be one of"),
    ],
    ids=[
        "claim-unchecked",
        "claim-no-verdict",
        "verdict-no-claim",
        "no-reply",
        "bad-outcome",
        "bad-claim",
    ],
)
def test_clarification_input_is_checked(world, entry, field: str, reason: str) -> None:
    engine, made, flag_id = world
    _act(engine, flag_id)(made["reviewer"], "clarify", "Mohon penjelasan")
    with pytest.raises(InputRejected) as caught:
        _reply(engine, flag_id, made["reviewer"], entry)
    assert any(e.column == field and reason in e.reason for e in caught.value.errors)
    assert _status(engine, flag_id) == "awaiting_clarification"


def test_no_reply_closes_and_only_permitted_roles_record(world) -> None:
    engine, made, flag_id = world
    with pytest.raises(ReviewError, match="no open clarification"):
        _reply(engine, flag_id, made["reviewer"], ClarificationInput(outcome="no_reply"))
    _act(engine, flag_id)(made["reviewer"], "clarify", "Mohon penjelasan")
    for role in ("admin", "analyst", "auditor"):
        with pytest.raises(PermissionDenied):
            _reply(engine, flag_id, made[role], ClarificationInput(outcome="no_reply"))
    item = _reply(engine, flag_id, made["reviewer2"], ClarificationInput(outcome="no_reply"))
    assert (item.outcome, item.is_open) == ("no_reply", False)
    assert _status(engine, flag_id) == "in_review"


def test_dismiss_is_allowed_while_awaiting_a_reply(world) -> None:
    engine, made, flag_id = world
    act = _act(engine, flag_id)
    act(made["reviewer"], "clarify", "Mohon penjelasan")
    assert act(made["reviewer2"], "dismiss", "Akun bukan milik ASN (salah identitas)") == (
        "dismissed"
    )


def _d(reviewer_id: int, verdict: str, rnd: int = 0) -> Decision:
    return Decision(reviewer_id=reviewer_id, verdict=verdict, round=rnd, reviewer=str(reviewer_id))


def _c(rnd: int, outcome: str) -> Clarification:
    return Clarification(round=rnd, outcome=outcome, asked_by="r")


@pytest.mark.parametrize(
    ("decisions", "clarifications", "want"),
    [
        ([], [], "open"),
        ([_d(1, "confirm")], [], "in_review"),
        ([_d(1, "confirm"), _d(2, "confirm")], [], "confirmed"),
        ([_d(1, "confirm"), _d(1, "confirm")], [], "in_review"),  # same person twice
        ([_d(1, "confirm"), _d(2, "dismiss")], [], "dismissed"),
        ([_d(1, "clarify")], [_c(0, "")], "awaiting_clarification"),
        ([_d(1, "confirm"), _d(2, "clarify")], [_c(0, "reply_received")], "in_review"),
        (
            [_d(1, "confirm"), _d(2, "clarify"), _d(2, "confirm", 1)],
            [_c(0, "reply_received")],
            "in_review",
        ),
        (
            [_d(1, "clarify"), _d(1, "confirm", 1), _d(2, "confirm", 1)],
            [_c(0, "no_reply")],
            "confirmed",
        ),
    ],
)
def test_derive_status(decisions, clarifications, want: str) -> None:
    assert derive_status(decisions, clarifications) == want


def test_decision_in_an_outer_session_sees_the_flag_status(session: Session) -> None:
    reviewer = users.add_user(
        session=session, actor=OPERATOR, username="r1", role="reviewer", password=PASSWORD
    )
    person, account = make_asn(session, agency=make_agency(session))
    flag = make_flag(session, person=person, account=account)
    result = decide(session=session, flag_id=flag.id, reviewer=reviewer, verdict="confirm")
    assert (result.status_before, result.status, flag.status) == ("open", "in_review", "in_review")
