"""Writes to the registry. The admin, the management commands and the web views call these.

Where to start reading:

- ``imports``: annual updates and every other import. ``prepare_import`` (the preview: read,
  plan, validate every row; writes nothing) and ``confirm_import`` (the same, then written all
  or nothing). The admin's upload and confirm, ``import_records`` and ``import_annex`` call
  exactly these two; the package's docstring walks through the steps.
- ``themes``: a theme's commands in order, and its version (``themes_raise_version``,
  ``check_theme_version``), which every write to a theme goes through.
- ``history`` and ``revisions``: the change trail, one complete historical record per record
  written, relations included, for imports in bulk and for admin saves and reverts one by one.
- ``bulk``: large writes as plain rows, used by the imports and the history.
- ``bulk_actions``: the admin's bulk actions (mark internal or public, archive, restore), with
  versions raised and history written as every other write.
- ``editions``, ``render``, ``backup``: comparing editions, the annex as a document, backup and
  restore.
"""
