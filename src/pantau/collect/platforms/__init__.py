"""One sub-package per platform: ``parse.py`` (pure) and ``collector.py`` (browser)."""
