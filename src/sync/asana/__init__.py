"""The Asana gateway: the only place that talks to Asana."""
