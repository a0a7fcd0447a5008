"""
The results' chart: each page's share of the ceiling against the board's
size, one line per page, the sizes on a logarithmic axis. Plain SVG written
here, without a plotting library.
"""

import math
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 980, 420
LEFT, RIGHT, TOP, BOTTOM = 60, 440, 30, 50
# Tableau's ten colours: told apart by most readers, colour-blind included.
COLOURS = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
]  # fmt: skip


def chart(results) -> str:
    """An SVG document of the ratio of each page row in RESULTS (of
    bench.pages.measure_size) against the board's size."""
    sizes = [result["size"] for result in results]
    pages = list(dict.fromkeys(row["page"] for r in results for row in r["rows"]))
    ratios = {
        page: [
            (result["size"], row["ratio"])
            for result in results
            for row in result["rows"]
            if row["page"] == page
        ]
        for page in pages
    }
    top = max([0.1, *(ratio for points in ratios.values() for _, ratio in points)])
    top = math.ceil(top * 10) / 10
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    low, high = math.log10(min(sizes)), math.log10(max(sizes))

    def x(size):
        if high == low:
            return LEFT + plot_width / 2
        return LEFT + (math.log10(size) - low) / (high - low) * plot_width

    def y(ratio):
        return TOP + plot_height - ratio / top * plot_height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="18" font-size="14">Share of the ceiling by '
        "board size</text>",
    ]
    for step in range(int(round(top * 10)) + 1):
        ratio = step / 10
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_width}" y1="{y(ratio):.1f}" '
            f'y2="{y(ratio):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(ratio) + 4:.1f}" text-anchor="end">'
            f"{ratio:.0%}</text>"
        )
    for size in sorted(set(sizes)):
        parts.append(
            f'<line x1="{x(size):.1f}" x2="{x(size):.1f}" y1="{TOP}" '
            f'y2="{TOP + plot_height}" stroke="#eee"/>'
            f'<text x="{x(size):.1f}" y="{TOP + plot_height + 18}" '
            f'text-anchor="middle">{size:,}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_width / 2:.1f}" y="{HEIGHT - 10}" '
        'text-anchor="middle">comments on the board</text>'
    )
    for index, (page, points) in enumerate(ratios.items()):
        colour = COLOURS[index % len(COLOURS)]
        coordinates = " ".join(f"{x(s):.1f},{y(r):.1f}" for s, r in points)
        parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
            'stroke-width="2"/>'
        )
        parts.extend(
            f'<circle cx="{x(s):.1f}" cy="{y(r):.1f}" r="3" fill="{colour}">'
            f"<title>{escape(page)}: {r:.0%} at {s:,} comments</title></circle>"
            for s, r in points
        )
        legend_y = TOP + 10 + index * 18
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 15}" x2="{WIDTH - RIGHT + 35}" '
            f'y1="{legend_y}" y2="{legend_y}" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{WIDTH - RIGHT + 40}" y="{legend_y + 4}">{escape(page)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
