"""The review web app (FastAPI, server-rendered Jinja2). Start with :func:`create_app`."""

from __future__ import annotations

from pantau.review.web.app import create_app

__all__ = ["create_app"]
