"""`flush` as Django's, with the maintained-count triggers suspended while the tables are emptied,
and the search index's tables emptied with the organizations.

Emptying a database deletes every table in an order Django leaves to a set (it changes with the
process's hash seed). On SQLite the score triggers fire for each deleted score and count its
organization again as "not evaluated" while the organization and its region are still there; when
the count table was emptied before the scores and the regions go after them, those rows outlive
their region and the FK check at commit fails (the flush that ends every transactional test, e.g. a
browser test). Every model's table ends empty anyway, so nothing is left to count. PostgreSQL empties
with TRUNCATE, which fires no row triggers.

The search index (the trigram table, the gram and code tables: no model's, so no flush empties them)
is kept by the organizations' triggers, which neither way of emptying fires: it is rebuilt afterwards
from the empty table, or it would offer organizations that no longer exist, and a later one that
takes a freed id would be found by the name of the deleted one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from socredit.apps.evaluation.counts import ORGS, SCORES
from socredit.apps.registry.search import rebuild_index
from socredit.common.bulkload import triggers_suspended


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor == "sqlite":
            with triggers_suspended(SCORES, ORGS):
                super().handle(**options)
        else:
            super().handle(**options)
        if options["database"] == DEFAULT_DB_ALIAS:  # rebuild_index works on the default database
            rebuild_index()
