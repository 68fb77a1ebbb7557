"""导入资金往来 — transactions reported by finance and banking departments, from their spreadsheets.

The rows are checked and written by ``riskwarnings.transactions`` (the same checks as the API): by
row and column, a bad row never stops the good ones; a transaction already recorded under the same
department and reference with the same content is unchanged (the same file imported again writes
nothing), one with other content is an error on its row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from socredit.apps.imports.models import ImportKind
from socredit.apps.imports.services import IMPORTERS, Importer, PreloadedLookups
from socredit.apps.riskwarnings.transactions import Checked, check, write


class TransactionImporter(Importer):
    kind = ImportKind.TRANSACTIONS

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        listed = list(rows)
        self.total += len(listed)
        self.checked: Checked = check(
            listed, lookups=PreloadedLookups(self.actor, with_persons=False), fixed_department=None
        )
        for n, errors in sorted(self.checked.errors.items()):
            for field, messages in errors.items():
                for message in messages:
                    self.error(n, field, message)
        self.created = len(self.checked.new)
        self.unchanged = len(self.checked.existing)

    def write(self) -> None:
        write(actor=self.actor, channel=self.run.channel, checked=self.checked,
              batch=f"导入批次 #{self.run.pk}（{self.run.file_name}）")  # fmt: skip

    def audit_data(self) -> dict[str, Any]:
        return {"transactions": [[v["department"].code, v["reference"]] for v in self.checked.new][:1000]}


IMPORTERS[ImportKind.TRANSACTIONS] = TransactionImporter
