"""The CSH mirror: GitHub issues -> Asana tasks. Pure rules and planning, then apply."""
