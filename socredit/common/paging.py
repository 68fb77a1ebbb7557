"""One page of rows without a COUNT of the whole table (分页): fetch one row more than shown to know
whether a next page exists. With a million organizations or a hundred thousand proposals,
``ORDER BY … LIMIT 26 OFFSET n`` walks an index; a full COUNT(*) would read every row on every view.
Used by the organization list and the proposal queue; templates use Django's Page vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 25
MAX_PAGE = 100_000
"""A page number past it is read as this one: 10**30 would overflow the database's OFFSET."""


def page_number(request: HttpRequest, maximum: int = MAX_PAGE) -> int:
    """``?page=`` as a number in 1 … ``maximum``; anything else (text, 0, 10**30) reads as the nearest."""
    text = request.GET.get("page", "1")
    if text.isdigit() and len(text.lstrip("0")) > len(str(maximum)):
        return maximum
    try:
        return max(1, min(int(text), maximum))
    except ValueError:
        return 1


class Sliceable(Protocol):
    """A queryset, or anything that answers a slice with its rows (registry's `EvaluatedFirst`)."""

    def __getitem__(self, index: slice, /) -> Any: ...


@dataclass
class Page:
    object_list: list[Any]
    number: int
    has_next: bool
    per_page: int = PER_PAGE

    @classmethod
    def of(cls, queryset: QuerySet[Any] | Sliceable, number: int, per_page: int = PER_PAGE) -> Page:
        start = (number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        return cls(rows[:per_page], number, len(rows) > per_page, per_page)

    @property
    def rows(self) -> list[Any]:
        return self.object_list

    @property
    def past_end(self) -> bool:
        """A page number beyond the last page (the templates say so and link to the first)."""
        return self.number > 1 and not self.object_list

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
