"""The read-only JSON API: the public listings and details, with the pages' filters."""
