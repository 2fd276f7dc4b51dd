"""The registry's tables as rows: a complete copy to compare, and to put back after a flush.

Transactional tests (the browser tests' live server, the all-or-nothing import tests) run
without a test transaction, so Django empties every table after each of them. The fixtures in
``tests/conftest.py`` use these helpers to keep the session's annex data across those flushes.
"""

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


def registry_models():
    """The registry's tables: records, automatic many-to-many tables, history, import runs.

    Not the uploads kept between an import's preview and its confirm (``ImportUpload``): they
    are no records, and a preview keeps its upload while it writes nothing else.
    """
    return [
        model
        for model in apps.get_app_config("registry").get_models(include_auto_created=True)
        if model._meta.model_name != "importupload"
    ]


def fields(model):
    return [field.attname for field in model._meta.concrete_fields]


def copy_tables():
    """Every row of every registry table, by model, in primary-key order."""
    return {
        model: list(model._base_manager.order_by("pk").values(*fields(model)))
        for model in registry_models()
    }


def restore_tables(tables):
    """Put the copied rows back (foreign keys are checked when the transaction commits)."""
    with transaction.atomic():
        for model, rows in tables.items():
            model._base_manager.bulk_create([model(**row) for row in rows])
        statements = connection.ops.sequence_reset_sql(no_style(), list(tables))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def tables_are_empty():
    from registry.models import Theme

    return not Theme.objects.exists()
