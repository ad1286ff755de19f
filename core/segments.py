"""The ids of a list ordered first by a column of few values (a school's link adviser: England has
150 advisers for 22,000 schools), read a page at a time by sorting only the segments it falls in.

Sorting every row by a joined name to show rows 9,951-10,000 made the deepest pages of the schools
list cost three times the first (bench/pages.py). Counting the rows of each value of the leading
columns, in the database's own order of those values, says which one or two values a page falls in;
only their rows are then read and sorted (one query, however many segments a page spans). The
order is exactly `queryset.order_by(*leading, *within)` (docs/adr/0019)."""

import operator
from functools import cached_property, reduce
from typing import Any

from django.db.models import Count, Q, QuerySet


class IdsBySegment:
    """A sequence of `queryset`'s primary keys for django's Paginator: `count()` and slicing.

    `leading`: the fields whose values form the segments (NULL is a value of its own, placed
    where the database's ORDER BY places it); `within`: the order inside a segment, ending with
    a unique field. Every field may start with "-" for descending."""

    def __init__(self, queryset: QuerySet[Any], *, leading: tuple[str, ...], within: tuple[str, ...]):
        self.queryset = queryset.order_by()
        self.leading = leading
        self.within = within

    @cached_property
    def segments(self) -> list[tuple[dict[str, Any], int]]:
        """(the segment's condition, its number of rows), in the list's order."""
        names = [field.lstrip("-") for field in self.leading]
        rows = self.queryset.values(*names).annotate(rows_in_segment=Count("pk")).order_by(*self.leading)
        return [({name: row[name] for name in names}, row["rows_in_segment"]) for row in rows]

    def count(self) -> int:
        return sum(rows for _, rows in self.segments)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("IdsBySegment is read a page at a time: a slice without a step")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        spanned: list[Q] = []  # the segments the page falls in: one, or a few small ones
        first = offset = 0  # a segment's first row in the whole list; the first spanned one's
        for condition, rows in self.segments:
            if first < stop and first + rows > start:
                offset = first if not spanned else offset
                spanned.append(Q(**condition))
            first += rows
        if not spanned:
            return []
        rows_spanned = self.queryset.filter(reduce(operator.or_, spanned)).order_by(*self.leading, *self.within)
        return list(rows_spanned.values_list("pk", flat=True)[start - offset : stop - offset])
