"""The navigation bar: one item per area, shown only to roles allowed to open it.

Areas added later (queue, flags, referrals) add one ``NavItem`` line to ``NAV_ITEMS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pantau.review.permissions import ROLE_PERMISSIONS, Permission


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    permission: Permission


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Beranda", "/", Permission.DASHBOARD_VIEW),
    NavItem("Antrean", "/queue", Permission.QUEUE_VIEW),
    NavItem("Dasbor", "/dasbor", Permission.DASHBOARD_VIEW),
    NavItem("Rujukan", "/rujukan", Permission.REFERRAL_VIEW),
    NavItem("Jejak Audit", "/audit", Permission.AUDIT_VIEW),
    NavItem("Pengguna", "/users", Permission.USERS_VIEW),
)


def visible_nav(role: str) -> list[NavItem]:
    allowed = ROLE_PERMISSIONS.get(role, frozenset())
    return [item for item in NAV_ITEMS if item.permission in allowed]
