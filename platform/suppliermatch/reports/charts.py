"""Bar charts and funnels drawn on the server as SVG: no script, nothing from a CDN.

Each chart carries a <title> and an aria-label that reads out every number, writes its
labels and values as text (so it reads the same printed in black and white), and uses
presentation attributes only (the CSP allows no inline styles). Every chart on a page also
has its numbers in a table and a CSV download next to it.

Charts are drawn in a fixed coordinate system and scale to their container (``viewBox``,
CSS ``width: 100%``); the text is sized to stay legible on a 390 px phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# The palette of the certification pages' charts, so the two sets of pictures match.
COLOURS = {
    "accent": "#0b5cad",
    "good": "#1e7d32",
    "warn": "#a15c00",
    "bad": "#b3261e",
    "track": "#eef1f5",
    "line": "#d9dee5",
    "ink": "#1c2430",
    "muted": "#5b6675",
    "funnel": "#b9d3ef",
}
WIDTH = 480
FONT = 16
# A funnel sits in a narrow column: drawn narrower, so that its text comes out larger.
FUNNEL_WIDTH = 300
FUNNEL_FONT = 15
# Average width of a character relative to the font size, for cutting long labels.
CHAR_WIDTH = 0.56
VALUE_GAP = 6
# Room kept right of the longest bar for its value text.
VALUE_ROOM = 190


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # What is written next to the bar (defaults to the value).
    text: str | None = None
    tone: str = "accent"

    @property
    def shown(self) -> str:
        return self.text if self.text is not None else _number(self.value)


def bar_chart(
    bars: list[Bar], *, title: str, max_value: float | None = None, empty: str = "Nothing to show."
) -> Markup:
    """Horizontal bars, one per row: its label above it and its value at its end."""
    if not bars:
        return _empty_chart(title, empty)
    top = max_value if max_value is not None else max(b.value for b in bars)
    row_height = 44
    height = row_height * len(bars) + 6
    track = WIDTH - VALUE_ROOM
    parts = []
    for i, bar in enumerate(bars):
        y = i * row_height
        length = track * min(bar.value / top, 1.0) if top > 0 else 0.0
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="{FONT}" fill="{COLOURS["ink"]}">'
            f"{escape(_fit(bar.label, WIDTH))}</text>"
        )
        parts.append(
            f'<rect x="0" y="{y + 22}" width="{track}" height="16" rx="3" '
            f'fill="{COLOURS["track"]}"/>'
        )
        if length > 0:
            parts.append(
                f'<rect x="0" y="{y + 22}" width="{max(length, 2):.1f}" height="16" rx="3" '
                f'fill="{COLOURS[bar.tone]}"/>'
            )
        parts.append(
            f'<text x="{track + VALUE_GAP}" y="{y + 35}" font-size="{FONT}" '
            f'font-weight="600" fill="{COLOURS["ink"]}">{escape(bar.shown)}</text>'
        )
    described = "; ".join(f"{b.label}: {b.shown}" for b in bars)
    return _svg(title, described, height, "".join(parts))


def funnel_chart(stages: list[tuple[str, int]], *, title: str) -> Markup:
    """Stages as centred bars narrowing down, joined by bands; each with its count and its
    share of the first stage."""
    if not stages or not stages[0][1]:
        return _empty_chart(title, "No supplier is on this track.")
    first = stages[0][1]
    stage_height = 54
    bar_height = 22
    height = stage_height * len(stages)
    middle = FUNNEL_WIDTH / 2
    parts = []
    previous: tuple[float, float] | None = None
    texts = []
    for i, (label, count) in enumerate(stages):
        y = i * stage_height
        width = max(FUNNEL_WIDTH * count / first, 3.0)
        left = middle - width / 2
        bar_top = y + 22
        if previous is not None:
            prev_left, prev_width = previous
            top_y = y - stage_height + 22 + bar_height
            points = (
                f"{prev_left:.1f},{top_y:.1f} {prev_left + prev_width:.1f},{top_y:.1f} "
                f"{left + width:.1f},{bar_top:.1f} {left:.1f},{bar_top:.1f}"
            )
            parts.append(f'<polygon points="{points}" fill="{COLOURS["track"]}"/>')
        tone = COLOURS["good"] if i == len(stages) - 1 else COLOURS["accent"]
        parts.append(
            f'<rect x="{left:.1f}" y="{bar_top}" width="{width:.1f}" height="{bar_height}" '
            f'rx="3" fill="{tone}"/>'
        )
        share = f" ({round(100 * count / first)}%)" if i else ""
        text = f"{label}: {count}{share}"
        texts.append(text)
        parts.append(
            f'<text x="{middle}" y="{y + 16}" font-size="{FUNNEL_FONT}" text-anchor="middle" '
            f'fill="{COLOURS["ink"]}">{escape(_fit(text, FUNNEL_WIDTH, FUNNEL_FONT))}</text>'
        )
        previous = (left, width)
    return _svg(title, "; ".join(texts), height, "".join(parts), width=FUNNEL_WIDTH)


def _svg(title: str, described: str, height: float, body: str, *, width: int = WIDTH) -> Markup:
    label = f"{title}. {described}" if described else title
    # Every piece of text in ``body`` went through escape() where it was written.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" width="{width}" '
        f'height="{height:.0f}" role="img" aria-label="{escape(label)}" '
        f'font-family="system-ui, sans-serif">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def _empty_chart(title: str, message: str) -> Markup:
    body = (
        f'<text x="0" y="18" font-size="{FONT}" fill="{COLOURS["muted"]}">{escape(message)}</text>'
    )
    return _svg(title, message, 28, body)


def _fit(text: str, width: float, font: float = FONT) -> str:
    """``text`` cut to what fits ``width`` (SVG text does not wrap); the full text stays in
    the chart's title and in the table."""
    most = int(width / (font * CHAR_WIDTH))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else f"{int(value)}"
