"""The writers of the lists, one module per workflow: proposals from records and prior notice
(``proposals``), decisions (``decisions``), removal on application (``removals``), the daily run
(``daily``), the red list (``red``), the retention of person listings (``persons``) and annulment on
an objection (``objections``). Every verb is atomic and writes an audit event; every list change
re-scores the organization in the same transaction (``evaluation.services.refresh_organizations``).

The rules are those of ``socredit.core.lists``; these modules turn database rows into the core's
``ListRecord`` / ``ListingHistory`` values and the core's answers back into rows. This package
re-exports the verbs, so callers write ``services.confirm_proposal``.
"""

from socredit.apps.lists.services.bulk import BulkResult, bulk_confirm, bulk_serve_notices
from socredit.apps.lists.services.common import (
    RESPONSIBLE_POSTS,
    TRIGGER_KINDS,
    active_entry,
    ground_basis,
    ground_title,
    histories,
    list_records,
    membership_frame,
    parameters,
    status_on,
)
from socredit.apps.lists.services.daily import RunCounts, daily_run
from socredit.apps.lists.services.objections import annul_entry_on_objection, suspend_on_objection
from socredit.apps.lists.services.persons import retention_sweep
from socredit.apps.lists.services.proposals import (
    confirm_proposal,
    dismiss_proposal,
    exempt_proposal,
    on_records_changed,
    propose_from_records,
    raise_proposal,
    resync_proposal_regions,
    serve_notice,
    sync_proposal_regions,
    withdraw_unsupported,
)
from socredit.apps.lists.services.red import confirm_red, red_list_publication
from socredit.apps.lists.services.removals import apply_for_removal, decide_removal, verify_removal
from socredit.apps.lists.services.statements import (
    answer_statement,
    check_statement_period,
    decision_statement,
    file_statement,
    statement_due_on,
    statement_for_decision,
)
from socredit.common.clock import today

__all__ = [
    "RESPONSIBLE_POSTS",
    "TRIGGER_KINDS",
    "BulkResult",
    "RunCounts",
    "active_entry",
    "answer_statement",
    "check_statement_period",
    "decision_statement",
    "file_statement",
    "statement_due_on",
    "statement_for_decision",
    "annul_entry_on_objection",
    "suspend_on_objection",
    "apply_for_removal",
    "bulk_confirm",
    "bulk_serve_notices",
    "confirm_proposal",
    "confirm_red",
    "daily_run",
    "decide_removal",
    "dismiss_proposal",
    "exempt_proposal",
    "ground_basis",
    "ground_title",
    "histories",
    "list_records",
    "membership_frame",
    "on_records_changed",
    "parameters",
    "propose_from_records",
    "raise_proposal",
    "red_list_publication",
    "resync_proposal_regions",
    "retention_sweep",
    "serve_notice",
    "status_on",
    "sync_proposal_regions",
    "today",
    "verify_removal",
    "withdraw_unsupported",
]
