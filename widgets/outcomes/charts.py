"""Charts for the growth report and the cohort view, drawn with matplotlib and returned as bytes.

Dumbbell charts: one row per competency, a hollow marker for "before" (or the first attempt), a filled
one for "after" (or the latest attempt) and a line between them, so the direction and size of a change
read at a glance. Meaning never rests on colour alone: the markers differ in fill and shape, every
value is also written beside its row, and the view gives the same figures as a table.

Figures are built with :class:`matplotlib.figure.Figure` directly, never pyplot: no global state, no GUI
backend, safe in a Voilà kernel that serves a page while another draws. They are saved as PNG by
:func:`widgets.figures.png_bytes`, re-exported here for the views and the command line.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from widgets.figures import png_bytes
from widgets.outcomes.cohort import CohortSummary
from widgets.outcomes.growth import GrowthReport, day, percent, rating, summary

# Okabe-Ito colours (distinguishable with colour-vision deficiencies), dark enough on white for text.
BEFORE = "#0072B2"
AFTER = "#D55E00"
INK = "#1f1f1f"
MUTED = "#595959"
GRID = "#d9d9d9"
DPI = 110


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _dumbbell(ax, y: float, a: float | None, b: float | None, *, marker_a: str, marker_b: str) -> None:
    if a is not None and b is not None:
        ax.plot([a, b], [y, y], color=MUTED, linewidth=2.2, zorder=1, solid_capstyle="round")
    if a is not None:
        ax.scatter([a], [y], s=95, marker=marker_a, facecolors="white", edgecolors=BEFORE, linewidths=2.2, zorder=3)
    if b is not None:
        ax.scatter([b], [y], s=95, marker=marker_b, color=AFTER, edgecolors=AFTER, zorder=4)


def _style(ax, xlim: tuple[float, float], title: str, span: tuple[float, float]) -> None:
    """Common looks; ``span`` is the data range the bottom axis line covers (the rest holds labels)."""
    ax.set_xlim(*xlim)
    ax.spines["bottom"].set_bounds(*span)
    ax.set_title(title, loc="left", fontsize=12, color=INK, pad=10)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(colors=INK, labelsize=10)


def growth_figure(report: GrowthReport) -> Figure:
    """The growth report's dumbbell chart: self-ratings on the left, scenario evidence on the right."""
    comps = list(report.competencies)
    n = len(comps)
    low, high = report.scale
    height = 2.0 + 0.6 * n
    fig = Figure(figsize=(10, height), dpi=DPI, facecolor="white")
    grid = fig.add_gridspec(1, 2, width_ratios=[1.15, 1], left=0.27, right=0.97, top=1 - 1.5 / height,
                            bottom=0.8 / height, wspace=0.34)
    left, right = fig.add_subplot(grid[0]), fig.add_subplot(grid[1], sharey=None)
    ys = list(range(n))[::-1]
    for y, c in zip(ys, comps, strict=True):
        _dumbbell(left, y, c.before.mean, c.after.mean, marker_a="o", marker_b="o")
        after_words = rating(c.after.mean) if c.after.mean is not None else "not yet"
        left.text(high + 0.25, y, f"{rating(c.before.mean)} → {after_words}", va="center", fontsize=10, color=MUTED)
        _dumbbell(right, y, None if c.first.share is None else 100 * c.first.share,
                  None if c.latest.share is None else 100 * c.latest.share, marker_a="s", marker_b="s")
        words = f"{percent(c.first.share)} → {percent(c.latest.share)}" if c.scenarios else "not played yet"
        right.text(103, y, words, va="center", fontsize=10, color=MUTED)
    labels = [("▶ " if c.id == report.focus else "") + _wrap(c.title, 26) for c in comps]
    for ax in (left, right):
        ax.set_ylim(-0.7, n - 0.3)
        ax.set_yticks(ys)
    left.set_yticklabels(labels, fontsize=11, color=INK)
    for tick, c in zip(left.get_yticklabels(), comps, strict=True):
        if c.id == report.focus:
            tick.set_fontweight("bold")
    right.set_yticklabels([])
    _style(left, (low - 0.3, high + 2.1), f"How skilled you feel\n({low} = not at all, {high} = extremely)",
           (low, high))
    left.set_xticks(range(low, high + 1))
    _style(right, (-3, 138), "Strongest response chosen\nin the scenarios", (0, 100))
    right.set_xticks([0, 25, 50, 75, 100])
    right.set_xticklabels(["0%", "25%", "50%", "75%", "100%"])
    handles = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor=BEFORE, markeredgewidth=2,
               markersize=9, label="before the course"),
        Line2D([], [], marker="o", linestyle="", color=AFTER, markersize=9, label="after the course"),
        Line2D([], [], marker="s", linestyle="", markerfacecolor="white", markeredgecolor=BEFORE, markeredgewidth=2,
               markersize=9, label="first attempt"),
        Line2D([], [], marker="s", linestyle="", color=AFTER, markersize=9, label="latest attempt"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False, fontsize=10.5, bbox_to_anchor=(0.6, 0.0))
    who = f" — {report.name}" if report.name else ""
    fig.suptitle(f"Your growth as a mentor{who}", x=0.02, ha="left", fontsize=16, fontweight="bold", color=INK)
    if report.focus:
        focus = report.competency(report.focus)
        fig.text(0.02, 1 - 0.68 / height, f"▶ to work on next: {focus.title if focus else report.focus}",
                 fontsize=11, color=INK)
    return fig


def cohort_figure(s: CohortSummary) -> Figure:
    """The cohort's chart: self-ratings before and after (mean and standard deviation, with n) above,
    module completion below, each with its own key."""
    rows = list(s.competencies)
    mods = list(s.completion)
    top_h, bottom_h = 0.55 * len(rows) + 0.9, 0.42 * len(mods) + 0.9
    height = top_h + bottom_h + 1.3
    fig = Figure(figsize=(11, height), dpi=DPI, facecolor="white")
    grid = fig.add_gridspec(2, 1, height_ratios=[top_h, bottom_h], left=0.3, right=0.97, top=1 - 1.05 / height,
                            bottom=0.35 / height, hspace=0.95 / ((top_h + bottom_h) / 2))
    upper, lower = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    ys = list(range(len(rows)))[::-1]
    for y, r in zip(ys, rows, strict=True):
        for stats, dy, face, color in ((r.before, 0.15, "white", BEFORE), (r.after, -0.15, AFTER, AFTER)):
            if stats.mean is None:
                continue
            upper.errorbar([stats.mean], [y + dy], xerr=[[stats.sd or 0], [stats.sd or 0]], fmt="o", color=color,
                           markerfacecolor=face, markeredgewidth=2, markersize=8, capsize=3, elinewidth=1.2)
        if r.before.mean is not None and r.after.mean is not None:
            upper.plot([r.before.mean, r.after.mean], [y + 0.15, y - 0.15], color=MUTED, linewidth=1, zorder=0)
        change = "" if r.change.mean is None else f"  change {r.change.mean:+.1f}"
        upper.text(7.45, y, f"n {r.before.n} / {r.after.n}{change}", va="center", fontsize=8.5, color=MUTED)
    upper.set_ylim(-0.7, len(rows) - 0.3)
    upper.set_yticks(ys)
    upper.set_yticklabels([_wrap(r.title, 36) for r in rows], fontsize=9.5, color=INK)
    _style(upper, (0.7, 9.2), "Self-rating, mean ± SD", (1, 7))
    upper.set_xticks(range(1, 8))
    upper.legend(handles=[
        Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor=BEFORE, markeredgewidth=2,
               markersize=8, label="before the course"),
        Line2D([], [], marker="o", linestyle="", color=AFTER, markersize=8, label="after the course"),
    ], loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False, fontsize=9, borderaxespad=0.2)

    ym = list(range(len(mods)))[::-1]
    for y, m in zip(ym, mods, strict=True):
        total = max(m.mentors, 1)
        start = 0.0
        for count, color, hatch in ((m.done, AFTER, ""), (m.in_progress, "white", "///"), (m.not_started, GRID, "")):
            width = 100 * count / total
            lower.barh([y], [width], left=start, color=color, hatch=hatch, edgecolor=MUTED, linewidth=0.8, height=0.6)
            start += width
        lower.text(102, y, f"{m.done} of {m.mentors} done", va="center", fontsize=8.5, color=MUTED)
    lower.set_ylim(-0.7, len(mods) - 0.3)
    lower.set_yticks(ym)
    lower.set_yticklabels([_wrap(m.title, 44) for m in mods], fontsize=9, color=INK)
    _style(lower, (0, 122), "Module completion (share of mentors)", (0, 100))
    lower.set_xticks([0, 25, 50, 75, 100])
    lower.set_xticklabels(["0%", "25%", "50%", "75%", "100%"])
    lower.legend(handles=[_patch(AFTER, "", "done"), _patch("white", "///", "in progress"),
                          _patch(GRID, "", "not started")],
                 loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False, fontsize=9, borderaxespad=0.2)
    fig.suptitle(f"Cohort outcomes: {s.mentors} mentor(s)", x=0.02, ha="left", fontsize=14, fontweight="bold",
                 color=INK)
    fig.text(0.02, 1 - 0.62 / height, f"{s.took_before} took the self-assessment before the course, {s.took_after} "
             f"after, {s.took_both} both. n = mentors before / after; figures from fewer than {s.min_n} are withheld.",
             fontsize=9.5, color=INK)
    return fig


def _patch(color: str, hatch: str, label: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=color, hatch=hatch, edgecolor=MUTED, label=label)


def _text_page(report: GrowthReport) -> Figure:
    """A page of the PDF with the report in words and the figures as a table."""
    fig = Figure(figsize=(8.27, 11.69), dpi=DPI, facecolor="white")  # A4
    lines: list[tuple[str, dict]] = [("Your growth report in words", {"fontsize": 14, "fontweight": "bold"})]
    if report.name:
        lines.append((report.name, {"fontsize": 10}))
    lines.append((f"{report.course_title}. Made on {day(report.generated)}.", {"fontsize": 9, "color": MUTED}))
    for para in [*summary(report), *report.missing]:
        lines.append(("", {}))
        lines += [(ln, {"fontsize": 10}) for ln in textwrap.wrap(para, 95)]
    lines += [("", {}), ("The figures", {"fontsize": 12, "fontweight": "bold"})]
    lines.append(("competency: self-rating before → after; strongest response first → latest attempt",
                  {"fontsize": 9, "color": MUTED}))
    for c in report.competencies:
        lines.append((f"{c.title}: {rating(c.before.mean)} → {rating(c.after.mean)}; "
                      f"{percent(c.first.share)} → {percent(c.latest.share)}", {"fontsize": 9.5}))
    for p in report.phases:
        if p.goal:
            lines += [("", {}), (f"What I want to get better at ({p.name} the course)", {"fontsize": 11,
                                                                                          "fontweight": "bold"})]
            lines += [(ln, {"fontsize": 10}) for ln in textwrap.wrap(p.goal, 95)[:12]]
    y = 0.95
    for text, style in lines:
        fig.text(0.07, y, text, va="top", color=style.pop("color", INK), **style)
        y -= 0.021
        if y < 0.04:
            break
    return fig


def pdf_bytes(report: GrowthReport) -> bytes:
    """The report as a two-page PDF: the chart, then the summary and figures in words."""
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": "Growth report", "Subject": report.course_title}) as pdf:
        pdf.savefig(growth_figure(report), facecolor="white")
        pdf.savefig(_text_page(report), facecolor="white")
    return buf.getvalue()


__all__ = ["cohort_figure", "growth_figure", "pdf_bytes", "png_bytes"]
