"""Command line: thin Typer commands, one module per stage (parse, call a service, print)."""
