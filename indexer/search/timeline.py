"""Coverage over time: the matches of a search per month or per year, every period in between included.

`SearchResults.months` holds the months that have matches (counted with the facets, see `counting.months`);
a timeline is that map laid out from the first period with a match to the last, with zeros between,
so a chart or a script can read the periods in order without gaps.
"""

from __future__ import annotations

from collections.abc import Mapping

PERIODS = ("month", "year")


def periods(months: Mapping[str, int], by: str = "month") -> dict[str, int]:
    """`{"YYYY-MM": count}` (or `{"YYYY": count}` by year) for every period from the first match to the
    last, zeros included; `{}` when nothing matched. `months` is a search's `months` map."""
    if by not in PERIODS:
        raise ValueError(f"a timeline is by {' or '.join(PERIODS)}, not {by!r}")
    counted = {k: v for k, v in months.items() if v}
    if not counted:
        return {}
    if by == "year":
        years: dict[int, int] = {}
        for key, count in counted.items():
            years[int(key[:4])] = years.get(int(key[:4]), 0) + count
        return {f"{y:04d}": years.get(y, 0) for y in range(min(years), max(years) + 1)}
    first, last = _index(min(counted)), _index(max(counted))
    out: dict[str, int] = {}
    for i in range(first, last + 1):
        key = f"{i // 12:04d}-{i % 12 + 1:02d}"
        out[key] = counted.get(key, 0)
    return out


def _index(month: str) -> int:
    """Months since year 0 of a "YYYY-MM" key."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1
