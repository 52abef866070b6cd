"""The GitHub gateway: the only place that talks to GitHub (REST through PyGithub, GraphQL)."""
