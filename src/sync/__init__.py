"""community-sync: GitHub -> Asana CSH mirror, hours report and office hours."""

__version__ = "0.1.0"
