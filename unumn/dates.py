"""Dates known to a day, a month or a year, shown as precisely as they are known."""

import datetime

from django.utils.dateformat import format as date_format

FORMATS = {"day": "j F Y", "month": "F Y", "year": "Y"}
SHORT_FORMATS = {"day": "j M Y", "month": "M Y", "year": "Y"}


def parse_partial_date(value):
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into ``(date, precision)``.

    Raises ``ValueError`` for anything else.
    """
    parts = str(value).split("-")
    if len(parts) == 1 and len(parts[0]) == 4:
        return datetime.date(int(parts[0]), 1, 1), "year"
    if len(parts) == 2 and len(parts[0]) == 4:
        return datetime.date(int(parts[0]), int(parts[1]), 1), "month"
    if len(parts) == 3:
        return datetime.date.fromisoformat(value), "day"
    raise ValueError(f"Not a date, month or year: {value!r}")


def format_partial_date(date, precision="day", *, short=False):
    """'5 October 2017', 'April 2017' or '2017' ('5 Oct 2017', 'Apr 2017' when
    ``short``, for lists); empty when there is no date."""
    if date is None:
        return ""
    formats = SHORT_FORMATS if short else FORMATS
    return date_format(date, formats.get(precision, formats["day"]))


def format_date_range(start, end):
    """'5–6 October 2017', '30 September – 2 October 2017', '15 February 2018'."""
    if start is None:
        return ""
    if end is None or end == start:
        return format_partial_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end, FORMATS['day'])}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')} – {date_format(end, FORMATS['day'])}"
    return f"{format_partial_date(start)} – {format_partial_date(end)}"
