"""The growth report and the cohort summary as HTML fragments: pure functions, every text escaped.

Text from YAML (titles) and from mentors (goals, names) goes through :func:`html.escape`; the light
Markdown of course text goes through :mod:`widgets.ui.text`, which escapes first. The chart comes as
an ``<img>`` with a text alternative, and the same figures follow as a table, so nothing is conveyed by
the picture alone. Downloads are ``data:`` links with a ``download`` name: they work in JupyterLab and
in Voilà without a server round trip, and nothing leaves the machine.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import quote

from widgets.outcomes.cohort import CohortSummary, Stats
from widgets.outcomes.growth import GrowthReport, percent, rating, summary

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


def data_link(name: str, mime: str, data: bytes, label: str) -> str:
    """A download link holding ``data`` itself (no server involved)."""
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    size = f"{max(1, round(len(data) / 1024))} kB"
    return f'<a download="{escape(name)}" href="{href}">{escape(label)}</a> ({size})'


def _downloads(links: Iterable[str]) -> str:
    items = "".join(f"<li>{link}</li>" for link in links)
    return f'<ul class="mc-downloads" aria-label="Downloads">{items}</ul>' if items else ""


def _img(png: bytes, alt: str) -> str:
    return (f'<img class="mc-chart" alt="{escape(alt)}" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">')


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
    parts = [STYLE, '<div class="mc-out" data-testid="growth-report">', f"<h2>{escape(heading)}</h2>"]
    if report.name:
        parts.append(f"<p>{escape(report.name)}</p>")
    if report.tracks:
        said = " · ".join(escape(t.label) for t in report.tracks)
        parts.append(f'<p class="mc-tracks" data-testid="track-progress"><strong>{said}</strong> (a module is done '
                     "once every scenario is played to an ending, every self-check question answered and every "
                     "reflection prompt drafted).</p>")
    for para in summary(report):
        parts.append(f"<p>{escape(para)}</p>")
    if report.missing:
        items = "".join(f"<li>{escape(m)}</li>" for m in report.missing)
        parts.append(f'<div class="mc-note" role="note"><h3>What is missing</h3><ul>{items}</ul></div>')
    focus = report.competency(report.focus) if report.focus else None
    if focus is not None and focus.modules:
        if link_prefix is None:
            items = "".join(f"<li>Module {n}: {escape(t)}</li>" for _, t, n in focus.modules)
        else:
            items = "".join(f'<li><a href="{escape(module_href(m, link_prefix))}">Module {n}: {escape(t)}</a></li>'
                            for m, t, n in focus.modules)
        parts.append(f"<h3>Where to practise {escape(focus.title)}</h3><ul>{items}</ul>")
    if png:
        parts.append(_img(png, chart_alt(report)))
    parts.append(growth_table(report))
    goals = [(p.name, p.goal) for p in report.phases if p.goal]
    for phase, text in goals:
        parts.append(f"<h3>What you want to get better at ({escape(phase)} the course)</h3>"
                     f'<p class="mc-quote">{escape(text)}</p>')
    if report.notes:
        parts.append("<h3>Notes</h3><ul>" + "".join(f"<li>{escape(n)}</li>" for n in report.notes) + "</ul>")
    if downloads:
        parts.append("<h3>Download your report</h3>")
        parts.append(_downloads(data_link(name, mime, data, label) for name, (mime, data, label) in downloads.items()))
    parts.append("</div>")
    return "".join(parts)


def chart_alt(report: GrowthReport) -> str:
    """The chart's text alternative: what it shows, with the table below giving every figure."""
    return ("Dumbbell chart of your self-rating before and after the course, and of how often you chose the "
            "strongest response in scenarios on your first and latest attempts, for each competency. "
            + " ".join(summary(report)[1:3]) + " Every figure is in the table below the chart.")


_NONE = '<span aria-hidden="true">—</span><span class="mc-sr">none</span>'


def _or_dash(x: float | None) -> str:
    """A rating, or a dash that screen readers hear as "no rating"."""
    return rating(x) if x is not None else '<span aria-hidden="true">—</span><span class="mc-sr">no rating</span>'


def growth_table(report: GrowthReport) -> str:
    low, high = report.scale
    head = ("<tr><th scope='col'>Competency</th><th scope='col' class='num'>Before</th>"
            "<th scope='col' class='num'>After</th><th scope='col' class='num'>Change</th>"
            "<th scope='col' class='num'>Strongest response, first attempt</th>"
            "<th scope='col' class='num'>Strongest response, latest attempt</th></tr>")
    rows = []
    for c in report.competencies:
        change = "" if c.change is None else f"{c.change:+.1f}"
        title = escape(c.title) + (" <strong>(work on next)</strong>" if c.id == report.focus else "")

        def share(t) -> str:
            return f"{percent(t.share)} ({t.best} of {t.answered})" if t.answered else "not played"

        rows.append(f"<tr><th scope='row'>{title}</th><td class='num'>{_or_dash(c.before.mean)}</td>"
                    f"<td class='num'>{_or_dash(c.after.mean)}</td><td class='num'>{change or _NONE}</td>"
                    f"<td class='num'>{share(c.first)}</td><td class='num'>{share(c.latest)}</td></tr>")
    caption = (f"Self-ratings ({low} = not at all skilled, {high} = extremely skilled; the mean of each "
               "competency's statements) and scenario choices")
    return f"<table><caption>{escape(caption)}</caption><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


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
    f = s.folder
    parts = [STYLE, '<div class="mc-out" data-testid="cohort-summary">', "<h2>Cohort outcomes</h2>",
             f"<p>{s.mentors} progress file(s) read: {s.took_before} mentor(s) took the self-assessment before the "
             f"course, {s.took_after} after it, {s.took_both} both. Figures drawn from fewer than {s.min_n} mentors "
             "are withheld, so no one's answers can be read from them.</p>"]
    if f.skipped or f.upgraded:
        items = "".join(f"<li><strong>{escape(n.file)}</strong> skipped: {escape(n.reason)}</li>" for n in f.skipped)
        items += "".join(f"<li><strong>{escape(n.file)}</strong> upgraded: {escape(n.reason)}</li>" for n in f.upgraded)
        parts.append(f'<div class="mc-note" role="note"><h3>Files to look at</h3><ul>{items}</ul></div>')
    if png:
        parts.append(_img(png, "Chart of the cohort's self-ratings before and after the course per competency (mean "
                               "and standard deviation), and of module completion. The tables below give every "
                               "figure."))
    head = ("<tr><th scope='col'>Competency</th><th scope='col'>Before: mean ± SD (n)</th>"
            "<th scope='col'>After: mean ± SD (n)</th><th scope='col'>Change per mentor: mean ± SD (n)</th>"
            "<th scope='col' class='num'>Strongest response, first attempts</th>"
            "<th scope='col' class='num'>Strongest response, latest attempts</th></tr>")
    rows = "".join(
        f"<tr><th scope='row'>{escape(r.title)}</th><td>{_stats(r.before)}</td><td>{_stats(r.after)}</td>"
        f"<td>{_stats(r.change)}</td><td class='num'>{percent(r.first.share)}</td>"
        f"<td class='num'>{percent(r.latest.share)}</td></tr>" for r in s.competencies)
    parts.append(f"<table><caption>Self-ratings (1 to 7) and scenario choices per competency</caption>"
                 f"<thead>{head}</thead><tbody>{rows}</tbody></table>")
    harmful = [r for r in s.decision_points if r.first_harmful][:top]
    if harmful:
        head = ("<tr><th scope='col'>Scenario</th><th scope='col'>Decision point</th>"
                "<th scope='col' class='num'>Harmful on first attempt</th>"
                "<th scope='col'>Most chosen harmful option</th>"
                "<th scope='col' class='num'>Harmful on latest attempt</th></tr>")
        rows = "".join(
            f"<tr><th scope='row'>{escape(r.scenario_title)} <small>({escape(r.module)})</small></th>"
            f"<td>{escape(r.node)}</td><td class='num'>{r.first_harmful} of {r.first_answered} "
            f"({percent(r.first_share)})</td><td>{escape(r.top_harmful_text)}</td>"
            f"<td class='num'>{r.latest_harmful} of {r.latest_answered}</td></tr>" for r in harmful)
        parts.append(f"<table><caption>Where the course should teach better: the {len(harmful)} decision points most "
                     f"often answered with a harmful option</caption><thead>{head}</thead><tbody>{rows}</tbody>"
                     "</table>")
    else:
        parts.append("<p>No decision point was answered with a harmful option on a first attempt.</p>")
    head = ("<tr><th scope='col'>Module</th><th scope='col' class='num'>Done</th>"
            "<th scope='col' class='num'>In progress</th><th scope='col' class='num'>Not started</th></tr>")
    rows = "".join(f"<tr><th scope='row'>{escape(r.title)}</th><td class='num'>{r.done} of {r.mentors}</td>"
                   f"<td class='num'>{r.in_progress}</td><td class='num'>{r.not_started}</td></tr>"
                   for r in s.completion)
    parts.append(f"<table><caption>Completion per module</caption><thead>{head}</thead><tbody>{rows}</tbody></table>")
    if s.mentor_tracks:
        names = [t.name for t in s.mentor_tracks[0].tracks]
        head = "<tr><th scope='col'>Mentor (pseudonymous id)</th>" + "".join(
            f"<th scope='col' class='num'>{escape(n)} modules done</th>" for n in names) + "</tr>"
        rows = "".join(f"<tr><th scope='row'>{escape(m.learner)}</th>" + "".join(
            f"<td class='num'>{t.done} of {t.total}</td>" for t in m.tracks) + "</tr>" for m in s.mentor_tracks)
        core = s.mentor_tracks[0].tracks[0]
        finished = sum(1 for m in s.mentor_tracks if m.tracks[0].done == m.tracks[0].total)
        parts.append(f"<p data-testid='core-done'>{escape(core.name)}: {finished} of {len(s.mentor_tracks)} mentor(s) "
                     f"have done every module.</p>")
        parts.append(f"<table data-testid='tracks-per-mentor'><caption>{escape(core.name)} completion per mentor"
                     f"</caption><thead>{head}</thead><tbody>{rows}</tbody></table>")
    if downloads:
        parts.append("<h3>Download</h3>")
        parts.append(_downloads(data_link(name, mime, data, label) for name, (mime, data, label) in downloads.items()))
    parts.append("</div>")
    return "".join(parts)


__all__ = ["chart_alt", "cohort_html", "data_link", "growth_html", "growth_table", "module_href"]
