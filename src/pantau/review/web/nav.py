"""The navigation bar: one item per area, shown only to roles allowed to open it.

Areas added later (queue, flags, referrals) add one ``NavItem`` line to ``NAV_ITEMS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pantau.review.models import User
from pantau.review.permissions import Permission, has_permission


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    permission: Permission


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Beranda", "/", Permission.DASHBOARD_VIEW),
    NavItem("Jejak Audit", "/audit", Permission.AUDIT_VIEW),
    NavItem("Pengguna", "/users", Permission.USERS_VIEW),
)


def visible_nav(user: User) -> list[NavItem]:
    return [item for item in NAV_ITEMS if has_permission(user, item.permission)]
