"""One page of rows without a COUNT of the whole table (分页): fetch one row more than shown to know
whether a next page exists. With a million organizations or a hundred thousand proposals,
``ORDER BY … LIMIT 26 OFFSET n`` walks an index; a full COUNT(*) would read every row on every view.
Used by the organization list and the proposal queue; templates use Django's Page vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

PER_PAGE = 25


@dataclass
class Page:
    object_list: list[Any]
    number: int
    has_next: bool
    per_page: int = PER_PAGE

    @classmethod
    def of(cls, queryset: QuerySet[Any], number: int, per_page: int = PER_PAGE) -> Page:
        start = (number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        return cls(rows[:per_page], number, len(rows) > per_page, per_page)

    @property
    def rows(self) -> list[Any]:
        return self.object_list

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)
