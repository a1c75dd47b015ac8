"""The role -> permission table: least privilege, auditor read-only, enforced by require()."""

from __future__ import annotations

import pytest

from pantau.errors import PermissionDenied
from pantau.review.models import ROLES, User
from pantau.review.permissions import (
    ROLE_PERMISSIONS,
    WRITE_PERMISSIONS,
    Operator,
    Permission,
    has_permission,
    permissions_of,
    require,
)

P = Permission


def _user(role: str, *, active: bool = True) -> User:
    return User(username=f"u-{role}", role=role, password_hash="x", active=active)


# (permission, roles that hold it): written out, so a change to the table is a visible diff here.
EXPECTED = [
    (P.ASN_RECORD_VIEW, {"reviewer", "referral_officer", "auditor"}),
    (P.EVIDENCE_VIEW, {"analyst", "reviewer", "referral_officer", "auditor"}),
    (P.FLAG_DECIDE, {"reviewer"}),
    (P.CLARIFICATION_RECORD, {"reviewer", "referral_officer"}),
    (P.REFERRAL_CREATE, {"referral_officer"}),
    (P.REFERRAL_VIEW, {"referral_officer", "auditor"}),
    (P.USERS_MANAGE, {"admin"}),
    (P.USERS_VIEW, {"admin", "auditor"}),
    (P.SETTINGS_MANAGE, {"admin"}),
    (P.REGISTRY_MANAGE, {"admin"}),
    (P.DETECTION_MANAGE, {"analyst"}),
    (P.AUDIT_VIEW, {"admin", "auditor"}),
    (P.DASHBOARD_VIEW, set(ROLES)),
    (P.QUEUE_VIEW, set(ROLES)),
]


def test_every_permission_has_an_expectation() -> None:
    assert {p for p, _ in EXPECTED} == set(Permission)


@pytest.mark.parametrize(("permission", "roles"), EXPECTED, ids=[p.value for p, _ in EXPECTED])
def test_who_holds_each_permission(permission: Permission, roles: set[str]) -> None:
    holders = {role for role in ROLES if has_permission(_user(role), permission)}
    assert holders == roles


def test_auditor_is_read_only() -> None:
    assert ROLE_PERMISSIONS["auditor"] & WRITE_PERMISSIONS == frozenset()
    assert all(p.value.endswith(".view") for p in ROLE_PERMISSIONS["auditor"])


def test_admin_sees_no_personal_record_or_evidence_and_cannot_decide() -> None:
    admin = _user("admin")
    for permission in (P.ASN_RECORD_VIEW, P.EVIDENCE_VIEW, P.FLAG_DECIDE, P.REFERRAL_CREATE):
        assert not has_permission(admin, permission)


def test_disabled_user_holds_nothing() -> None:
    assert permissions_of(_user("reviewer", active=False)) == frozenset()
    with pytest.raises(PermissionDenied, match="u-reviewer"):
        require(_user("reviewer", active=False), P.DASHBOARD_VIEW)


def test_require_names_who_and_what() -> None:
    with pytest.raises(PermissionDenied, match=r"u-analyst \(role analyst\) may not flag.decide"):
        require(_user("analyst"), P.FLAG_DECIDE)
    require(_user("reviewer"), P.FLAG_DECIDE)


def test_command_line_operator_administers_but_never_decides_or_refers() -> None:
    op = Operator("root")
    assert has_permission(op, P.USERS_MANAGE)
    assert has_permission(op, P.AUDIT_VIEW)
    for permission in (P.FLAG_DECIDE, P.REFERRAL_CREATE, P.ASN_RECORD_VIEW, P.EVIDENCE_VIEW):
        with pytest.raises(PermissionDenied, match="cli:root"):
            require(op, permission)
