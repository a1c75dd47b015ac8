"""``pantau worker``: a Celery worker of the distributed sweep executor."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker(
        concurrency: int = typer.Option(1, help="Worker processes (each runs its own browser)."),
        name: str = typer.Option("", help="Worker node name (default celery@host)."),
    ) -> None:
        """Start a Celery worker that runs sweep tasks (broker: sweep.redis_url)."""
        from pantau.cli.common import handled
        from pantau.config import get_settings
        from pantau.sweep.celery_app import celery_app

        with handled():
            argv = [
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--pool=prefork",
                f"--queues={get_settings().sweep.celery_queue}",
                "--without-gossip",
                "--without-mingle",
            ]
            if name:
                argv.append(f"--hostname={name}")
            celery_app().worker_main(argv)
