"""The coverage chart's periods and the query text a chosen span becomes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.panes.coverage import CoverageChart, bins_of, narrowed, published_clause


def test_five_years_or_less_are_months_zero_filled() -> None:
    unit, bins = bins_of({"2020-11": 2, "2021-02": 1, "undated": 4, "2021-13": 9})
    assert unit == "month"
    assert bins == [("2020-11", 2), ("2020-12", 0), ("2021-01", 0), ("2021-02", 1)]
    unit, bins = bins_of({"2019-01": 1, "2023-12": 1})  # sixty months exactly
    assert unit == "month" and len(bins) == 60


def test_more_than_five_years_are_years() -> None:
    unit, bins = bins_of({"2005-03": 2, "2005-09": 1, "2011-01": 4})
    assert unit == "year"
    assert bins == [("2005", 3), ("2006", 0), ("2007", 0), ("2008", 0), ("2009", 0), ("2010", 0), ("2011", 4)]
    assert bins_of({}) == ("month", [])


def test_a_span_replaces_the_querys_date_clause() -> None:
    assert published_clause("2024-03", "2024-01") == "published:2024-01..2024-03"
    assert published_clause("2019", "2019") == "published:2019"
    assert narrowed("ferry fares", "published:2019") == "ferry fares published:2019"
    assert narrowed("ferry published:2010..2012 fares", "published:2019") == "ferry fares published:2019"
    assert narrowed("date:2010 author:holt", "published:2024-02") == "author:holt published:2024-02"
    assert narrowed("", "published:2024-02") == "published:2024-02"


def test_year_bars_narrow_to_years_from_the_keyboard(qtbot) -> None:  # noqa: ANN001
    chart = CoverageChart()
    qtbot.addWidget(chart)
    chart.resize(400, 46)
    chart.show()
    chart.set_months({"2005-03": 2, "2011-01": 4})
    assert chart.isVisible() and chart.unit == "year"
    chosen: list[str] = []
    chart.span_chosen.connect(chosen.append)
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    qtbot.keyClick(chart, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert chosen == ["published:2005..2006"]
    chart.set_active(False)
    chart.set_months({"2005-03": 2})
    assert not chart.isVisible() and chart.bins == []


def test_counts_estimated_from_a_sample_are_shown_as_estimates(qtbot, window, monkeypatch) -> None:  # noqa: ANN001
    """A very large result's sidebar counts read "≈ n" and the chart says "about"; the total stays exact."""
    from indexer.search import index, windows
    from tests.desktop.conftest import search

    # The three stories stand for a very large archive: past these sizes counts are taken over a sample.
    monkeypatch.setattr(windows, "LARGE", 2)
    monkeypatch.setattr(windows, "FACET_SAMPLE", 2)
    monkeypatch.setattr(index, "ESTIMATE_ABOVE", 2)

    def labels(group: str) -> list[str]:
        parent = window.sidebar.groups[group]
        return [parent.child(r).text() for r in range(parent.rowCount())]

    search(qtbot, window, "ferry OR seawall OR orchestra")
    qtbot.waitUntil(lambda: window.sidebar.groups["all"].text() == "All articles  (3)")
    qtbot.waitUntil(lambda: bool(labels("authors")) and all("(≈" in label for label in labels("authors")))
    assert all("(≈" in label for label in labels("years"))
    assert "about" in window.chart.tooltip_for(0)

    search(qtbot, window, "ferry")  # one match: counted exactly
    qtbot.waitUntil(lambda: labels("authors") == ["Maren Holt  (1)"])
    assert "about" not in window.chart.tooltip_for(0)
