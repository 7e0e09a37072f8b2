"""Charts drawn with matplotlib, without a browser: PNG at print resolution for Word and
Excel, SVG for HTML and the site.

Chinese text needs a CJK font: one configured (``ZCTASKS_CHART_FONT``, a font file or a
family name) or the first of the usual ones found on the machine. Without one a chart would
print empty boxes (tofu), so drawing stops with a message that says what to install.
Output is reproducible: no dates, no software names, fixed SVG ids.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from zctasks.files.errors import ZctasksError
from zctasks.judge.schedule import LIGHT_NAMES, LIGHTS, Light, StatusReport, TargetState

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT_VARIABLE = "ZCTASKS_CHART_FONT"
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
"""Families tried in order: sans-serif Simplified Chinese first (charts read better in a
黑体), then any font that covers the ideographs."""
PROBE = "序时进度严重滞后未报送"
COLOURS: dict[Light, str] = {
    "done": "#4472c4",
    "green": "#70ad47",
    "yellow": "#ffc000",
    "red": "#c00000",
    "grey": "#a5a5a5",
}
HATCHES: dict[Light, str] = {"done": "", "green": "", "yellow": "//", "red": "xx", "grey": ".."}
"""Patterns that keep the lights apart in a black-and-white print."""
PRINT_DPI = 300


class ChartFontMissing(ZctasksError):
    """No font that can show Chinese: a chart would print as empty boxes."""


@dataclass(frozen=True)
class Chart:
    """A drawn chart, kept as its figure until written."""

    title: str
    figure: Figure
    name: str
    """A file-name-safe name (lights-by-chapter)."""


_FONTS: dict[str, str] = {}


def cjk_font() -> str:
    """The family name charts use, configured or found; ChartFontMissing without one."""
    configured = os.environ.get(FONT_VARIABLE, "").strip()
    if configured not in _FONTS:
        from matplotlib import font_manager

        _FONTS[configured] = (
            _configured(font_manager, configured) if configured else _found(font_manager)
        )
    return _FONTS[configured]


def _covers(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(char)) for char in PROBE)


def _configured(font_manager: Any, configured: str) -> str:
    hint = f"{FONT_VARIABLE} 应为字体文件路径（.ttf、.otf、.ttc）或已安装字体的名称，如 Noto Sans CJK SC"
    if os.path.sep in configured or configured.lower().endswith((".ttf", ".otf", ".ttc")):
        if not os.path.isfile(configured):
            raise ChartFontMissing(f"{FONT_VARIABLE} 指定的字体文件 {configured} 不存在", hint)
        if not _covers(configured):
            raise ChartFontMissing(
                f"{FONT_VARIABLE} 指定的字体 {configured} 不含中文字形，图表会显示为方框", hint
            )
        font_manager.fontManager.addfont(configured)
        return str(font_manager.FontProperties(fname=configured).get_name())
    for entry in font_manager.fontManager.ttflist:
        if entry.name == configured and _covers(entry.fname):
            return configured
    raise ChartFontMissing(
        f"{FONT_VARIABLE} 指定的字体“{configured}”未安装或不含中文字形，图表会显示为方框", hint
    )


def _found(font_manager: Any) -> str:
    installed: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        installed.setdefault(entry.name, entry.fname)
    for family in CJK_FAMILIES:
        if family in installed and _covers(installed[family]):
            return family
    raise ChartFontMissing(
        "本机没有能显示中文的字体，无法绘制图表（否则文字会显示为方框）",
        f"安装中文字体（Debian、Ubuntu：apt-get install fonts-noto-cjk），"
        f"或用环境变量 {FONT_VARIABLE} 指定字体文件，如 {FONT_VARIABLE}=/path/to/simhei.ttf",
    )


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    family = cjk_font()
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "svg.fonttype": "none",
            "svg.hashsalt": "zctasks",
            "hatch.linewidth": 0.6,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return pyplot


def svg(chart: Chart) -> str:
    """The chart as an SVG element to put in a page (text stays text, so it can be found
    and copied); the same bytes every time."""
    buffer = io.StringIO()
    chart.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    start = text.index("<svg")
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text[start:], flags=re.S)
    return text.replace(
        "<svg ", f'<svg role="img" aria-label="{_attr(chart.title)}" class="chart" ', 1
    )


def png(chart: Chart, dpi: int = PRINT_DPI) -> bytes:
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def close(charts: list[Chart]) -> None:
    from matplotlib import pyplot

    for chart in charts:
        pyplot.close(chart.figure)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def lights_by_group(
    title: str, name: str, rows: list[tuple[str, dict[Light, int]]], width: float = 6.3
) -> Chart:
    """Horizontal bars, one a group (a chapter, a unit), split by light, each part labelled
    with its count; patterns keep the lights apart in black and white."""
    plt = _pyplot()
    height = 0.9 + 0.32 * max(len(rows), 1)
    figure, axes = plt.subplots(figsize=(width, height))
    labels = [label for label, _ in rows]
    positions = list(range(len(rows)))
    left = [0.0] * len(rows)
    for light in LIGHTS:
        counts = [counts.get(light, 0) for _, counts in rows]
        bars = axes.barh(
            positions,
            counts,
            left=left,
            color=COLOURS[light],
            hatch=HATCHES[light],
            edgecolor="white" if not HATCHES[light] else "#333333",
            linewidth=0.4,
            label=LIGHT_NAMES[light],
        )
        for bar, count in zip(bars, counts, strict=True):
            if count:
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
                )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("任务数（项）", fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(
        ncols=len(LIGHTS),
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.9 / height - 0.02),
        frameon=False,
    )
    figure.tight_layout()
    return Chart(title, figure, name)


def completion(
    title: str, name: str, states: list[TargetState], elapsed: dict[str, float]
) -> Chart:
    """Completion of each target (bars, coloured by its light) against the share it should
    have reached — 序时进度 or its milestone (a black tick, with the figures beside)."""
    plt = _pyplot()
    height = 0.9 + 0.3 * max(len(states), 1)
    figure, axes = plt.subplots(figsize=(6.3, height))
    positions = list(range(len(states)))
    shares = [min((s.share or 0.0) * 100, 150) for s in states]
    axes.barh(
        positions,
        shares,
        color=[COLOURS[s.light] for s in states],
        hatch=None,
        edgecolor="#333333",
        linewidth=0.3,
    )
    for k, state in enumerate(states):
        schedule = state.planned if state.planned is not None else elapsed[state.target.id]
        axes.plot([schedule * 100] * 2, [k - 0.42, k + 0.42], color="black", linewidth=1.4)
        axes.text(
            max(shares[k], schedule * 100) + 2,
            k,
            f"{(state.share or 0) * 100:.0f}%／{schedule * 100:.0f}% {LIGHT_NAMES[state.light]}",
            va="center",
            fontsize=7,
        )
    labels = [f"{s.target.id} {_clip(s.target.name, 12)}" for s in states]
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 160)
    axes.set_xticks([0, 25, 50, 75, 100], ["0", "25%", "50%", "75%", "100%"], fontsize=7)
    axes.set_xlabel("完成年度目标的比例；黑线为序时进度（有节点的指标为计划进度）", fontsize=8)
    figure.tight_layout()
    return Chart(title, figure, name)


def trajectory(
    title: str,
    name: str,
    reported: list[tuple[date, float]],
    planned: list[tuple[date, float]],
    start: date,
    end: date,
    as_of: date,
    unit: str,
    planned_label: str,
) -> Chart:
    """A target's reported figures over time against its plan: the straight 序时进度 line or
    its milestones, with the as-of date marked."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.3, 2.4))
    if planned:
        axes.plot(
            [d for d, _ in planned],
            [v for _, v in planned],
            color="#7f7f7f",
            linestyle="--",
            linewidth=1.2,
            drawstyle="steps-post" if planned_label == "计划节点" else "default",
            label=planned_label,
        )
    if reported:
        axes.plot(
            [d for d, _ in reported],
            [v for _, v in reported],
            color="#2f5597",
            marker="o",
            markersize=3,
            linewidth=1.4,
            label="报送数",
        )
    axes.axvline(as_of, color="#c00000", linewidth=0.8)
    axes.text(
        as_of,
        axes.get_ylim()[1],
        f" 截至{as_of.month}月{as_of.day}日",
        color="#c00000",
        fontsize=7,
        va="top",
    )
    axes.set_xlim(start, end)
    axes.set_ylabel(unit, fontsize=8)
    axes.tick_params(labelsize=7)
    _month_axis(axes, start, end)
    axes.legend(fontsize=7, frameon=False, loc="upper left")
    figure.subplots_adjust(
        left=0.1, right=0.98, bottom=0.13, top=0.95
    )  # tight_layout costs half the chart
    return Chart(title, figure, name)


def trend(title: str, name: str, points: list[tuple[date, float]]) -> Chart:
    """The share on schedule (done or green) week by week."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.3, 2.2))
    axes.plot(
        [d for d, _ in points],
        [v * 100 for _, v in points],
        color="#548235",
        marker="o",
        markersize=2.5,
        linewidth=1.4,
    )
    axes.set_ylim(0, 100)
    axes.set_ylabel("%", fontsize=8)
    axes.tick_params(labelsize=7)
    if points:
        _month_axis(axes, points[0][0], points[-1][0])
    axes.grid(axis="y", linewidth=0.3)
    figure.tight_layout()
    return Chart(title, figure, name)


def _month_axis(axes: Any, start: date, end: date) -> None:
    from matplotlib import dates as mdates

    months = max((end.year - start.year) * 12 + end.month - start.month, 1)
    locator = mdates.MonthLocator(interval=max(months // 12, 1))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%-m月"))  # type: ignore[no-untyped-call]


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def main_targets(report: StatusReport, most: int = 15) -> list[TargetState]:
    """The reported targets judged against a schedule, the furthest behind first, at most
    ``most``, shown in the plan's order."""
    judged = [
        t
        for s in report.states
        for t in s.targets
        if t.share is not None and t.target.op not in ("<=", "<")
    ]
    order = {"red": 0, "yellow": 1, "green": 2, "grey": 3, "done": 4}
    chosen = sorted(judged, key=lambda t: (order[t.light], t.share or 0.0))[:most]
    return sorted(chosen, key=lambda t: [int(p) for p in t.target.id.split(".")])


def status_charts(ledger: Any, report: StatusReport) -> list[Chart]:
    """The charts a briefing or a 台账 carries: lights by chapter, by lead unit, and
    completion against 序时进度 for the main targets."""
    from zctasks.judge.schedule import elapsed_share, lead_groups
    from zctasks.judge.views import chapter_numeral

    by_chapter = [
        (
            f"{chapter_numeral(cid)}、{_clip(ledger.chapters[cid].title, 14)}",
            report.counts([s for s in report.states if s.task.chapter == cid]),
        )
        for cid in dict.fromkeys(s.task.chapter for s in report.states)
    ]
    by_lead = [(unit, report.counts(states)) for unit, states in lead_groups(ledger, report.states)]
    charts = [
        lights_by_group("各章任务进度", "lights-by-chapter", by_chapter),
        lights_by_group("各牵头单位任务进度", "lights-by-unit", by_lead[:20]),
    ]
    targets = main_targets(report)
    if targets:
        period = ledger.plan.period
        elapsed = {
            t.target.id: elapsed_share(
                report.as_of,
                period.start,
                ledger.tasks[int(t.target.id.split(".")[0])].due or period.end,
            )
            for t in targets
        }
        charts.append(completion("主要指标完成情况", "completion", targets, elapsed))
    return charts
