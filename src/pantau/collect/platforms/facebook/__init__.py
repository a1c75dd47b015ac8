"""Platform package: facebook."""
