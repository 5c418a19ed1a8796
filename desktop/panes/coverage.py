"""Coverage over time: a compact histogram above the results of how many matching articles there are per month
(per year when the matches span more than five years).

Drawn with QPainter (no plotting dependency): a few dozen rectangles, repainted only when the results change.
The counts are the search's own (`SearchResults.months`, counted with the facets on the search thread), so the
chart adds no search and no work while typing beyond setting a dict and one repaint. A click on a bar, or a
drag across bars, narrows the query to that span (`published:2024-03`, `published:2024-01..2024-06`); from the
keyboard, Left/Right move between bars, Shift extends the span, Enter narrows.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop import theme

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 60  # a span longer than five years is drawn per year
HEIGHT = 46
LABEL_ROOM = 13  # below the bars: the first and last period
WIDEST_BAR = 28  # a few periods are drawn as bars this wide from the left, not stretched across the chart


def bins_of(months: dict[str, int]) -> tuple[str, list[tuple[str, int]]]:
    """("month" or "year", [(period, count)…]) from first to last dated match, zero-filled."""
    dated: dict[tuple[int, int], int] = {}
    for key, count in months.items():
        m = MONTH.match(str(key))
        if m and count > 0 and 1 <= int(m.group(2)) <= 12:
            dated[(int(m.group(1)), int(m.group(2)))] = dated.get((int(m.group(1)), int(m.group(2))), 0) + count
    if not dated:
        return "month", []
    first, last = min(dated), max(dated)
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if span > MAX_MONTHS:
        years: dict[int, int] = {}
        for (year, _month), count in dated.items():
            years[year] = years.get(year, 0) + count
        return "year", [(str(y), years.get(y, 0)) for y in range(first[0], last[0] + 1)]
    out = []
    year, month = first
    for _ in range(span):
        out.append((f"{year:04d}-{month:02d}", dated.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return "month", out


def published_clause(first: str, last: str) -> str:
    """The query clause for the periods first..last (in either order)."""
    a, b = sorted((first, last))
    return f"published:{a}" if a == b else f"published:{a}..{b}"


PUBLISHED = re.compile(r"(?<!\S)(?:published|date):\S+")


def narrowed(query: str, clause: str) -> str:
    """The query with its date clause replaced by `clause` (or `clause` added when it had none)."""
    rest = " ".join(PUBLISHED.sub(" ", query).split())
    return f"{rest} {clause}" if rest else clause


class CoverageChart(QWidget):
    """The histogram; emits `span_chosen(clause)` when the user picks bars."""

    span_chosen = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("coverageChart")
        self.setAccessibleName("Coverage over time")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.active = True  # False: the chart is off (kept hidden, given nothing to draw)
        self.unit = "month"
        self.about = ""  # "about ": the counts are estimates
        self.bins: list[tuple[str, int]] = []
        self.current = -1  # the bar the keyboard is on
        self.anchor = -1  # where a drag or a Shift+arrow span began
        self._source: dict[str, int] | None = None
        self.hide()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, HEIGHT)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, HEIGHT)

    # -- data ----------------------------------------------------------------------------------

    def set_months(self, months: dict[str, int] | None, estimated: bool = False) -> None:
        """The counts per month of the results on screen; hidden when no match has a date. `estimated`: the
        counts come from a sample of a very large result, and the tooltips say "about"."""
        if not self.active:
            return
        self.about = "about " if estimated else ""
        if months is self._source or (months and months == self._source):
            return  # the same counts (typing on, the same matches): nothing to redraw
        self._source = months
        unit, bins = bins_of(months or {})
        keep = self.bins[self.current][0] if 0 <= self.current < len(self.bins) else None
        self.unit, self.bins = unit, bins
        periods = [p for p, _c in bins]
        self.current = periods.index(keep) if keep in periods else -1
        self.anchor = -1
        self.setVisible(bool(bins))
        total = sum(c for _p, c in bins)
        if bins:
            self.setAccessibleDescription(
                f"{total:,} dated matches per {unit}, {bins[0][0]} to {bins[-1][0]}. "
                "Left and Right choose a bar, Shift extends, Enter narrows the search to it."
            )
        self.update()

    def set_active(self, on: bool) -> None:
        self.active = on
        if not on:
            self._source = None
            self.bins = []
            self.hide()

    # -- geometry ------------------------------------------------------------------------------

    def _slot(self) -> float:
        """The width each period takes."""
        return min(WIDEST_BAR, (self.width() - 4) / max(1, len(self.bins)))

    def _bar_rect(self, i: int) -> QRectF:
        width = self._slot()
        top, bottom = 3.0, float(self.height() - LABEL_ROOM)
        peak = max((c for _p, c in self.bins), default=0) or 1
        count = self.bins[i][1]
        height = (bottom - top) * count / peak
        if count and height < 2:
            height = 2.0  # a month with one article still shows
        gap = 1.0 if width > 4 else 0.0
        return QRectF(2 + i * width + gap / 2, bottom - height, max(1.0, width - gap), height)

    def bar_at(self, x: float) -> int:
        """The bar under an x position (clamped to the first and last)."""
        if not self.bins:
            return -1
        width = self._slot()
        return max(0, min(len(self.bins) - 1, int((x - 2) // width))) if width > 0 else 0

    def bar_centre(self, i: int) -> QPoint:
        return self._bar_rect(i).center().toPoint()

    def _span(self) -> tuple[int, int] | None:
        if self.current < 0:
            return None
        start = self.anchor if self.anchor >= 0 else self.current
        return min(start, self.current), max(start, self.current)

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self.bins:
            return
        bar, chosen, axis = (QColor(c) for c in theme.chart_colours(theme.is_dark()))
        painter = QPainter(self)
        span = self._span() if (self.hasFocus() or self.anchor >= 0) else None
        for i in range(len(self.bins)):
            rect = self._bar_rect(i)
            inside = span is not None and span[0] <= i <= span[1]
            if rect.height() > 0:
                painter.fillRect(rect, chosen if inside else bar)
            elif inside:
                painter.fillRect(QRectF(rect.left(), rect.bottom() - 1, rect.width(), 1), chosen)
        bottom = self.height() - LABEL_ROOM
        painter.setPen(QPen(axis))
        painter.drawLine(2, bottom, self.width() - 2, bottom)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        font = painter.font()
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        painter.setFont(font)
        text_rect = QRectF(2, bottom + 1, max(self._slot() * len(self.bins), 120.0), LABEL_ROOM - 1)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.bins[0][0])
        if len(self.bins) > 1:
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.bins[-1][0])
        if self.hasFocus():
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DotLine))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()

    # -- tooltips ------------------------------------------------------------------------------

    def tooltip_for(self, i: int) -> str:
        period, count = self.bins[i]
        return f"{period}: {self.about}{count:,} article{'s' if count != 1 else ''}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent) and self.bins:
            QToolTip.showText(event.globalPos(), self.tooltip_for(self.bar_at(event.pos().x())), self)
            return True
        return super().event(event)

    # -- choosing ------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.bins:
            self.anchor = self.current = self.bar_at(event.position().x())
            self.update()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton and self.anchor >= 0:
            self.current = self.bar_at(event.position().x())
            QToolTip.showText(event.globalPosition().toPoint(), self._span_text(), self)
            self.update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.anchor >= 0:
            self.current = self.bar_at(event.position().x())
            self._choose()
            return
        super().mouseReleaseEvent(event)

    def _span_text(self) -> str:
        span = self._span()
        if span is None:
            return ""
        count = sum(c for _p, c in self.bins[span[0] : span[1] + 1])
        return f"{published_clause(self.bins[span[0]][0], self.bins[span[1]][0])}: {self.about}{count:,} articles"

    def _choose(self) -> None:
        span = self._span()
        self.anchor = -1
        self.update()
        if span is not None:
            self.span_chosen.emit(published_clause(self.bins[span[0]][0], self.bins[span[1]][0]))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        steps: dict[int, int] = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_PageUp: -12,
            Qt.Key.Key_PageDown: 12,
        }
        if self.bins and (key in steps or key in (Qt.Key.Key_Home, Qt.Key.Key_End)):
            extend = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if extend and self.anchor < 0:
                self.anchor = max(self.current, 0)
            elif not extend:
                self.anchor = -1
            last = len(self.bins) - 1
            if key == Qt.Key.Key_Home:
                self.current = 0
            elif key == Qt.Key.Key_End:
                self.current = last
            else:
                self.current = (
                    last if self.current < 0 and steps[key] < 0 else max(0, min(last, self.current + steps[key]))
                )
            self.update()
            rect = self._bar_rect(self.current)
            tip = self._span_text() if self.anchor >= 0 else self.tooltip_for(self.current)
            QToolTip.showText(self.mapToGlobal(rect.center().toPoint()), tip, self)
            return
        if self.bins and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.current >= 0:
            self._choose()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        if self.current < 0 and self.bins:
            self.current = len(self.bins) - 1
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self.anchor = -1
        super().focusOutEvent(event)
        self.update()
