"""Platform package: instagram."""
