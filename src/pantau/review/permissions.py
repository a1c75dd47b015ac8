"""Who may do what: the role -> permission table (least privilege, DOMAIN.md safeguard 5).

Service functions call :func:`require` before acting, so a page that forgets a check still
cannot act; web routes add the same check up front to answer 403 early.

Design choices:

- ``admin`` administers (users, settings, the registry) and reads the audit trail, but does not
  see civil servants' personal records or evidence and does not decide.
- ``analyst`` tunes detection and watch lists; sees evidence (to judge rules) but not the
  personal record (NIP, position), and does not decide.
- ``reviewer`` decides flags and records clarifications: sees record and evidence.
- ``referral_officer`` writes referrals from confirmed flags: sees record and evidence.
- ``auditor`` reads everything, changes nothing.

A command-line :class:`Operator` (someone with direct database access) may administer but never
decide or refer: those need a named reviewer / referral officer account.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pantau.errors import PermissionDenied
from pantau.review.models import ROLES, User


class Permission(StrEnum):
    DASHBOARD_VIEW = "dashboard.view"
    QUEUE_VIEW = "queue.view"
    ASN_RECORD_VIEW = "asn_record.view"
    EVIDENCE_VIEW = "evidence.view"
    FLAG_DECIDE = "flag.decide"
    CLARIFICATION_RECORD = "clarification.record"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_VIEW = "referral.view"
    DETECTION_MANAGE = "detection.manage"
    REGISTRY_MANAGE = "registry.manage"
    USERS_VIEW = "users.view"
    USERS_MANAGE = "users.manage"
    SETTINGS_MANAGE = "settings.manage"
    AUDIT_VIEW = "audit.view"


P = Permission

#: Permissions that change something; the auditor holds none of them.
WRITE_PERMISSIONS: frozenset[Permission] = frozenset(
    {
        P.FLAG_DECIDE,
        P.CLARIFICATION_RECORD,
        P.REFERRAL_CREATE,
        P.DETECTION_MANAGE,
        P.REGISTRY_MANAGE,
        P.USERS_MANAGE,
        P.SETTINGS_MANAGE,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(
        {
            P.DASHBOARD_VIEW,
            P.QUEUE_VIEW,
            P.REGISTRY_MANAGE,
            P.USERS_VIEW,
            P.USERS_MANAGE,
            P.SETTINGS_MANAGE,
            P.AUDIT_VIEW,
        }
    ),
    "analyst": frozenset({P.DASHBOARD_VIEW, P.QUEUE_VIEW, P.EVIDENCE_VIEW, P.DETECTION_MANAGE}),
    "reviewer": frozenset(
        {
            P.DASHBOARD_VIEW,
            P.QUEUE_VIEW,
            P.ASN_RECORD_VIEW,
            P.EVIDENCE_VIEW,
            P.FLAG_DECIDE,
            P.CLARIFICATION_RECORD,
        }
    ),
    "referral_officer": frozenset(
        {
            P.DASHBOARD_VIEW,
            P.QUEUE_VIEW,
            P.ASN_RECORD_VIEW,
            P.EVIDENCE_VIEW,
            P.CLARIFICATION_RECORD,
            P.REFERRAL_CREATE,
            P.REFERRAL_VIEW,
        }
    ),
    "auditor": frozenset(
        {
            P.DASHBOARD_VIEW,
            P.QUEUE_VIEW,
            P.ASN_RECORD_VIEW,
            P.EVIDENCE_VIEW,
            P.REFERRAL_VIEW,
            P.USERS_VIEW,
            P.AUDIT_VIEW,
        }
    ),
}

OPERATOR_PERMISSIONS: frozenset[Permission] = frozenset(
    {P.USERS_VIEW, P.USERS_MANAGE, P.SETTINGS_MANAGE, P.REGISTRY_MANAGE, P.AUDIT_VIEW}
)

#: Indonesian names of the roles for the user interface.
ROLE_LABELS: dict[str, str] = {
    "admin": "Administrator",
    "analyst": "Analis",
    "reviewer": "Peninjau",
    "referral_officer": "Petugas Penerusan",
    "auditor": "Auditor",
}

assert set(ROLE_PERMISSIONS) == set(ROLES) == set(ROLE_LABELS)


@dataclass(frozen=True)
class Operator:
    """Someone at the command line with direct database access (audited as ``cli:<name>``)."""

    name: str


Principal = User | Operator


def permissions_of(principal: Principal) -> frozenset[Permission]:
    """What ``principal`` may do now; a disabled user may do nothing."""
    if isinstance(principal, Operator):
        return OPERATOR_PERMISSIONS
    if not principal.active:
        return frozenset()
    return ROLE_PERMISSIONS.get(principal.role, frozenset())


def has_permission(principal: Principal, permission: Permission) -> bool:
    return permission in permissions_of(principal)


def require(principal: Principal, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``principal`` holds ``permission``."""
    if not has_permission(principal, permission):
        who = actor_name(principal)
        role = "operator" if isinstance(principal, Operator) else principal.role
        raise PermissionDenied(f"{who} (role {role}) may not {permission.value}")


def actor_name(principal: Principal) -> str:
    """The name the audit trail records for ``principal``."""
    if isinstance(principal, Operator):
        return f"cli:{principal.name}"
    return principal.username
