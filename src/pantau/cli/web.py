"""``pantau web``: serve the review app with uvicorn."""

from __future__ import annotations

import typer

from pantau.cli.common import console, handled, settings
from pantau.store import migrate

app = typer.Typer(help="The review web app.", invoke_without_command=True)


@app.callback(invoke_without_command=True)
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
) -> None:
    """Upgrade the database, then serve the review app (Ctrl-C stops it)."""
    import uvicorn

    from pantau.review.web import create_app

    with handled():
        cfg = settings()
        migrate.upgrade(cfg.db_url)
        application = create_app(cfg)
    console.print(f"pantau review app on http://{host}:{port}/", highlight=False)
    uvicorn.run(application, host=host, port=port, proxy_headers=False, log_level="info")
