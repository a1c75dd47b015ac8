"""Platform package: tiktok."""
