"""The agreements on a time line, each at the precision its source gives.

A date known to the day is that day, a month-only date ("juni 2016") is the whole month and a
year-only date is the whole year: each agreement becomes a period (start, end) and is drawn as
a span of that period on one axis for all of them. The periods are listed in order of their
start (a shorter period first when two start together: 1 June, June, then the year), which is
the order of the page's list; agreements without a date are listed apart, after them.
"""

import datetime
from dataclasses import dataclass

from registry.choices import DatePrecision

# The axis is this many units wide, whatever the years it covers (an SVG viewBox).
AXIS_WIDTH = 1000
# A day is drawn at least this wide, so that it shows (a thin mark, not a span).
DAY_MARK = 8


@dataclass
class Entry:
    agreement: object
    precision: str
    start: datetime.date
    end: datetime.date  # the day after the period
    datetime: str  # the machine-readable date of <time> at its precision: 2016-06-01, 2016-06, 2016
    x: float = 0.0
    width: float = 0.0


def period(day, precision):
    """The period a date stands for at its precision: (first day, the day after the last)."""
    if precision == DatePrecision.DAY:
        return day, day + datetime.timedelta(days=1)
    if precision == DatePrecision.MONTH:
        start = day.replace(day=1)
        following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return start, following
    if precision == DatePrecision.YEAR:
        start = day.replace(month=1, day=1)
        return start, start.replace(year=start.year + 1)
    raise ValueError(f"no period for the precision {precision!r}")


def datetime_value(day, precision):
    """The date as HTML's <time datetime> writes it at its precision."""
    if precision == DatePrecision.DAY:
        return day.isoformat()
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def is_dated(agreement):
    return agreement.date_signed is not None and agreement.date_precision in (
        DatePrecision.DAY,
        DatePrecision.MONTH,
        DatePrecision.YEAR,
    )


def build(agreements):
    """The time line: the dated agreements in order on their axis, the years of the axis and
    the agreements without a date."""
    dated, undated = [], []
    for agreement in agreements:
        if is_dated(agreement):
            start, end = period(agreement.date_signed, agreement.date_precision)
            dated.append(
                Entry(
                    agreement=agreement,
                    precision=agreement.date_precision,
                    start=start,
                    end=end,
                    datetime=datetime_value(agreement.date_signed, agreement.date_precision),
                )
            )
        else:
            undated.append(agreement)
    dated.sort(key=lambda entry: (entry.start, entry.end, entry.agreement.title))
    undated.sort(key=lambda agreement: agreement.title)
    years, year_lines = [], []
    if dated:
        first = min(entry.start.year for entry in dated)
        last = max((entry.end - datetime.timedelta(days=1)).year for entry in dated)
        years = list(range(first, last + 1))
        axis_start, axis_end = datetime.date(first, 1, 1), datetime.date(last + 1, 1, 1)
        place(dated, axis_start, axis_end)
        year_lines = [position(datetime.date(year, 1, 1), axis_start, axis_end) for year in years]
        year_lines = year_lines[1:]
    return {"entries": dated, "years": years, "year_lines": year_lines, "undated": undated}


def position(day, axis_start, axis_end):
    return round((day - axis_start).days / (axis_end - axis_start).days * AXIS_WIDTH, 1)


def place(entries, axis_start, axis_end):
    """Each period's place on the axis, in units of AXIS_WIDTH."""
    days = (axis_end - axis_start).days
    for entry in entries:
        x = (entry.start - axis_start).days / days * AXIS_WIDTH
        width = (entry.end - entry.start).days / days * AXIS_WIDTH
        if width < DAY_MARK:
            x = max(0.0, min(AXIS_WIDTH - DAY_MARK, x + width / 2 - DAY_MARK / 2))
            width = DAY_MARK
        entry.x, entry.width = round(x, 1), round(width, 1)
