"""What staff do to many records at once: mark them internal or public, archive or restore them.

The admin's bulk actions on the lists of themes and agreements call :func:`records_set_flag`.
It writes as every other write does: in one transaction, with the records' rows locked, a
theme's version raised through ``themes_raise_version`` (so a form opened before the bulk
action is refused on saving), and one complete historical record per changed record, with the
user and the action as the reason. Records that already have the value are left alone and get
no history.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Agreement, Theme
from registry.services import bulk
from registry.services.history import record_history
from registry.services.themes import themes_raise_version

# The reason a historical record keeps, "bulk " and the action's name; the history pages show
# the action's label in the reader's language (``bulk_action_label``).
REASON_PREFIX = "bulk "


@dataclass(frozen=True)
class BulkAction:
    name: str
    field: str
    value: bool
    label: str  # what it did, for the history: "marked internal"


ACTIONS = {
    action.name: action
    for action in (
        BulkAction("mark_internal", "is_internal", True, _("Bulk action: marked internal")),
        BulkAction("mark_public", "is_internal", False, _("Bulk action: marked public")),
        BulkAction("archive", "is_archived", True, _("Bulk action: archived")),
        BulkAction("restore", "is_archived", False, _("Bulk action: restored from the archive")),
    )
}
FIELDS = {Theme: {"is_internal", "is_archived"}, Agreement: {"is_internal"}}


@dataclass(frozen=True)
class BulkResult:
    changed: int
    unchanged: int


def bulk_action_reason(name):
    return f"{REASON_PREFIX}{name}"


def bulk_action_label(reason):
    """The translated label of a bulk action's history reason, or None for another reason."""
    if not reason or not reason.startswith(REASON_PREFIX):
        return None
    action = ACTIONS.get(reason[len(REASON_PREFIX) :])
    return None if action is None else action.label


@transaction.atomic
def records_set_flag(*, model, pks, action, user) -> BulkResult:
    """Apply the bulk action ``action`` (a name in ``ACTIONS``) to the records ``pks``."""
    action = ACTIONS[action]
    if action.field not in FIELDS.get(model, ()):
        raise ValueError(f"{model.__name__} has no bulk action {action.name}")
    records = list(model.objects.select_for_update().filter(pk__in=list(pks)).order_by("pk"))
    changed = [record for record in records if getattr(record, action.field) != action.value]
    for record in changed:
        setattr(record, action.field, action.value)
    fields = [action.field]
    if model is Theme:
        themes_raise_version(changed)
        fields.append("version")
    bulk.update_rows(
        model,
        fields,
        ((*(getattr(record, name) for name in fields), record.pk) for record in changed),
    )
    record_history(
        model,
        [("~", record) for record in changed],
        date=timezone.now(),
        user_id=user.pk,
        reason=bulk_action_reason(action.name),
    )
    return BulkResult(changed=len(changed), unchanged=len(records) - len(changed))
