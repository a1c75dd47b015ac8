"""Platform package: x."""
