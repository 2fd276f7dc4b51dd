"""Writes to the registry. The admin, the management commands and the web views call these."""
