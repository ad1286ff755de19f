"""Words for counts shown to people: "1 row", "2 rows", "12,345 schools" (never "1 rows")."""


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """The count with thousands separators and the noun (phrase) that agrees with it. `plural`
    defaults to `singular` + "s"; give it for irregular phrases: count_of(n, "row is", "rows are")."""
    words = singular if count == 1 else (plural if plural is not None else f"{singular}s")
    return f"{count:,} {words}"
