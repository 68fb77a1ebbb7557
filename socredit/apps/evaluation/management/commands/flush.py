"""`flush` as Django's, with the maintained-count triggers suspended while the tables are emptied.

Emptying a database deletes every table in an order Django leaves to a set (it changes with the
process's hash seed). On SQLite the score triggers fire for each deleted score and count its
organization again as "not evaluated" while the organization and its region are still there; when
the count table was emptied before the scores and the regions go after them, those rows outlive
their region and the FK check at commit fails (the flush that ends every transactional test, e.g. a
browser test). Every table ends empty anyway, so nothing is left to count. PostgreSQL empties with
TRUNCATE, which fires no row triggers.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from socredit.apps.evaluation.counts import ORGS, SCORES
from socredit.common.bulkload import triggers_suspended


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with triggers_suspended(SCORES, ORGS):
            return super().handle(**options)
