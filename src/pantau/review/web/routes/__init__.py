"""One router module per area of the app; each exposes ``router`` (see ``ROUTER_MODULES``)."""
