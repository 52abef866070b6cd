"""Community office hours: the session schedule, the agenda's context and its rendering."""
