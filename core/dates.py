"""Calendar arithmetic shared by the apps' date rules."""

from datetime import date

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    """The same date `months` later (earlier if negative), or that month's last day when it is
    shorter: 31 December + 2 is 28 (29) February, 29 February 2028 + 12 is 28 February 2029. Past
    the first or last date Python can hold, that date rather than an error (far years typed into a
    form reach the rules that refuse them)."""
    try:
        return day + relativedelta(months=months)
    except (OverflowError, ValueError):
        return date.max if months > 0 else date.min
