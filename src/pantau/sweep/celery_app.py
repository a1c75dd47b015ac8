"""The Celery application of the distributed executor (Redis broker, the shared database).

Built on demand from settings (never at import time of the rest of pantau); ``pantau worker``
starts a worker of it. Messages are acknowledged late (after the task's transaction committed)
and rejected back to the queue when a worker process dies, so no task is lost; a task that is
delivered twice is a no-op the second time (its row is no longer open).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from celery import Celery

from pantau.config import get_settings

log = logging.getLogger(__name__)
TASK_NAME = "pantau.sweep.collect_task"


@lru_cache(maxsize=1)
def celery_app() -> Celery:
    settings = get_settings().sweep
    app = Celery("pantau", broker=settings.redis_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.celery_queue,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.celery_visibility_timeout_s,
            # look for messages of vanished workers every half timeout (at most a minute),
            # without kombu's default 10x throttle that delays recovery by minutes
            "unacked_restore_interval": max(1, min(60, settings.celery_visibility_timeout_s // 2)),
            "unacked_restore_throttle": 1,
        },
        worker_hijack_root_logger=False,
    )
    app.task(
        name=TASK_NAME,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=settings.task_retries,
    )(_collect_task)
    return app


def _collect_task(self: Any, task_id: int) -> str:
    """Collect one sweep task (``pantau.sweep.tasks.run_one_task``); retried on errors."""
    from pantau.store.db import engine_for, session_factory
    from pantau.sweep.tasks import mark_error, run_one_task

    try:
        return run_one_task(task_id)
    except Exception as exc:
        settings = get_settings()
        if self.request.retries >= settings.sweep.task_retries:
            with session_factory(engine_for(settings.db_url))() as session:
                mark_error(session, task_id, exc, retries=0)
                session.commit()
            log.exception("sweep task %s failed for good", task_id)
            return "failed"
        raise self.retry(exc=exc, countdown=2) from exc


class _LazyTask:
    """``collect_task.apply_async(...)`` without building the app at import time."""

    def apply_async(self, *args: Any, **kwargs: Any) -> Any:
        return celery_app().tasks[TASK_NAME].apply_async(*args, **kwargs)


collect_task = _LazyTask()
