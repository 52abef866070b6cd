"""``check``: the config against the live APIs, item by item, with what to fix."""
