"""The growth report and the cohort summary as HTML fragments: pure functions, every text escaped.

The markup is in ``widgets/templates/outcomes/reports.html``, rendered with autoescape
(:mod:`widgets.templating`): text from YAML (titles) and from mentors (goals, names, file names) is
escaped there; this module only picks what to show. The chart comes as
an ``<img>`` with a text alternative, and the same figures follow as a table, so nothing is conveyed by
the picture alone. Downloads are ``data:`` links with a ``download`` name: they work in JupyterLab and
in Voilà without a server round trip, and nothing leaves the machine.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from widgets.outcomes.cohort import CohortSummary, Stats
from widgets.outcomes.growth import GrowthReport, percent, rating, summary
from widgets.templating import macros

#: Styles scoped to the fragments; JupyterLab theme variables (with fallbacks) keep AA contrast in
#: light and dark themes. The chart keeps its own white background in both.
STYLE = """
<style>
.mc-out { color: var(--jp-content-font-color1, #1f1f1f); font-size: var(--jp-content-font-size1, 14px);
  line-height: 1.5; max-width: 62rem; }
.mc-out h2 { font-size: 1.35em; margin: .6em 0 .3em; }
.mc-out h3 { font-size: 1.1em; margin: 1.1em 0 .3em; }
.mc-out p { margin: .35em 0; max-width: 56ch; }
.mc-out a { color: var(--jp-content-link-color, #0b57a4); text-decoration: underline; }
.mc-out a:focus-visible { outline: 3px solid var(--jp-brand-color1, #1976d2); outline-offset: 2px; }
.mc-out .mc-chart { max-width: 100%; height: auto; background: #fff; border: 1px solid
  var(--jp-border-color1, #bdbdbd); border-radius: 4px; }
.mc-out table { border-collapse: collapse; margin: .4em 0 .8em; font-size: .95em; }
.mc-out caption { text-align: left; font-weight: 600; padding: .2em 0; }
.mc-out th, .mc-out td { border: 1px solid var(--jp-border-color1, #bdbdbd); padding: .25em .55em;
  text-align: left; vertical-align: top; }
.mc-out td.num, .mc-out th.num { text-align: right; font-variant-numeric: tabular-nums; }
.mc-out .mc-note { border-left: 4px solid var(--jp-warn-color1, #b35900); padding: .3em .8em;
  background: var(--jp-layout-color2, #f2f2f2); }
.mc-out ul.mc-downloads { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5em 1.2em; }
.mc-out .mc-sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.mc-out .mc-quote { border-left: 4px solid var(--jp-border-color1, #bdbdbd); padding-left: .8em;
  white-space: pre-wrap; }
</style>
"""


@functools.cache
def _macros() -> Any:
    return macros("outcomes/reports.html", style=Markup(STYLE), percent=percent, rating=rating, stats=_stats)


def _link(name: str, mime: str, data: bytes, label: str) -> tuple[str, str, str, str]:
    """``(file name, data: URL, label, size in kB)`` of a download link holding ``data`` itself."""
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return name, href, label, f"{max(1, round(len(data) / 1024))} kB"


def _links(downloads: Mapping[str, tuple[str, bytes, str]] | None) -> list[tuple[str, str, str, str]]:
    return [_link(name, mime, data, label) for name, (mime, data, label) in (downloads or {}).items()]


def _b64(png: bytes | None) -> str:
    return base64.b64encode(png).decode("ascii") if png else ""


def data_link(name: str, mime: str, data: bytes, label: str) -> str:
    """A download link holding ``data`` itself (no server involved)."""
    return str(_macros().data_link(*_link(name, mime, data, label)))


def module_href(module: str, prefix: str) -> str:
    return prefix + quote(module) + "/module.ipynb"


def growth_html(report: GrowthReport, png: bytes | None, *, link_prefix: str | None = "../",
                downloads: Mapping[str, tuple[str, bytes, str]] | None = None,
                heading: str = "Your growth report") -> str:
    """The report: summary, what is missing, the chart, the figures as a table, links and downloads.

    ``link_prefix`` turns module ids into links (``../`` from a page in ``modules/<folder>/``);
    ``None`` shows titles without links (a trainer's view elsewhere). ``downloads`` maps a file name to
    ``(mime type, bytes, label)``.
    """
    focus = report.competency(report.focus) if report.focus else None
    practise = [(None if link_prefix is None else module_href(m, link_prefix), t, n)
                for m, t, n in (focus.modules if focus is not None else ())]
    goals = [(p.name, p.goal) for p in report.phases if p.goal]
    return str(_macros().growth(report, _b64(png), chart_alt(report) if png else "", summary(report), focus, practise,
                                goals, _links(downloads), heading))


def chart_alt(report: GrowthReport) -> str:
    """The chart's text alternative: what it shows, with the table below giving every figure."""
    return ("Dumbbell chart of your self-rating before and after the course, and of how often you chose the "
            "strongest response in scenarios on your first and latest attempts, for each competency. "
            + " ".join(summary(report)[1:3]) + " Every figure is in the table below the chart.")


def growth_table(report: GrowthReport) -> str:
    """Every figure of the report as a table (what the chart shows, and the rest)."""
    return str(_macros().growth_table(report))


# --------------------------------------------------------------------------------------------------
# Cohort
# --------------------------------------------------------------------------------------------------

def _stats(x: Stats) -> str:
    if x.n == 0:
        return "—"
    if x.mean is None:
        return f"withheld (n = {x.n})"
    sd = "" if x.sd is None else f" ± {x.sd:.2f}"
    return f"{x.mean:.2f}{sd} (n = {x.n})"


def cohort_html(s: CohortSummary, png: bytes | None, *, downloads: Mapping[str, tuple[str, bytes, str]] | None = None,
                top: int = 10) -> str:
    """The cohort summary: files read and skipped, the chart, and the three tables (aggregates only)."""
    harmful = [r for r in s.decision_points if r.first_harmful][:top]
    finished = sum(1 for m in s.mentor_tracks if m.tracks[0].done == m.tracks[0].total)
    return str(_macros().cohort(s, _b64(png), harmful, finished, _links(downloads)))


__all__ = ["chart_alt", "cohort_html", "data_link", "growth_html", "growth_table", "module_href"]
