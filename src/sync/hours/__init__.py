"""CSH hours: what each community has used against its contract."""
