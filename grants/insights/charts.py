"""Chart geometry, computed on the server and drawn as SVG by the templates.

Pure arithmetic: a chart is a list of values with labels; this works out each bar's share of the
axis so the templates only place rectangles. No JavaScript is involved, so the charts work with
scripts off and under the content security policy, and every chart is printed as a table too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    # Share of the longest bar, 0 to 100, for the SVG's width or height.
    percent: float
    # The value as people read it ("1,204", "£3,400,000.00").
    text: str
    highlight: bool = False
    # A few characters for under a column, where the full label would not fit.
    short_label: str = ""


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]


def bar_chart(
    title: str,
    values: Sequence[tuple[str, int]],
    *,
    texts: Sequence[str] | None = None,
    short_labels: Sequence[str] | None = None,
    highlight: Sequence[str] = (),
) -> BarChart:
    """Bars for ``(label, value)`` pairs, scaled to the largest value.

    A value that is not zero always gets a visible sliver, so a single submission next to
    thousands still shows."""
    largest = max((value for _, value in values), default=0)
    bars = []
    for index, (label, value) in enumerate(values):
        percent = 0.0 if largest <= 0 else 100.0 * value / largest
        if value and percent < 0.5:
            percent = 0.5
        bars.append(
            Bar(
                label=label,
                value=value,
                percent=round(min(percent, 100.0), 2),
                text=texts[index] if texts is not None else f"{value:,}",
                highlight=label in highlight,
                short_label=short_labels[index] if short_labels is not None else "",
            )
        )
    return BarChart(title, tuple(bars))


def share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, or None when there is no whole to speak of."""
    return None if whole <= 0 else round(100.0 * part / whole, 1)
