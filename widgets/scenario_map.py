"""Draw a scenario's graph as a standalone SVG, for authors reviewing a branching structure.

A layered layout with no dependencies (Graphviz is not on every author's machine): each node sits in
the column of its shortest distance from ``start``; edges are choices, coloured and dashed by
quality so the picture reads without colour too; endings have a double border and their kind.

For ``mentor-scenario/2`` the map also shows what the path state does: an edge taken only when a
condition holds is labelled ``if ...`` (a choice's own ``if:`` and each branch of a conditional
``goto``; the fallback branch reads ``otherwise``), its tooltip lists the choice's ``set``/``add``/
``repairs``, and an ending lists its ``claims`` under its box.
"""

from __future__ import annotations

from collections import deque
from html import escape

from widgets.content.models import Choice, Node, Scenario

QUALITY_STYLE = {  # colour, dash pattern, label; dashes keep the meaning for colour-blind readers
    "best": ("#1a7f37", "", "strong"),
    "mixed": ("#9a6700", "6 4", "mixed"),
    "harmful": ("#cf222e", "2 4", "harmful"),
    "auto": ("#57606a", "", "moves on"),
}
NODE_W, NODE_H, COL_GAP, ROW_GAP, MARGIN = 220, 64, 120, 36, 40


def _layers(sc: Scenario) -> dict[str, int]:
    depth = {sc.start: 0}
    queue = deque([sc.start])
    while queue:
        nid = queue.popleft()
        node = sc.nodes[nid]
        targets = [r.goto for c in node.choices for r in c.routes] + [r.goto for r in node.routes]
        for target in targets:
            if target in sc.nodes and target not in depth:
                depth[target] = depth[nid] + 1
                queue.append(target)
    last = max(depth.values(), default=0) + 1
    for nid in sc.nodes:  # unreachable nodes get a column of their own at the far right
        depth.setdefault(nid, last)
    return depth


def _wrap(text: str, width: int = 30, lines: int = 2) -> list[str]:
    words, out, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width:
            out.append(cur)
            cur = w
            if len(out) == lines:
                break
        else:
            cur = f"{cur} {w}".strip()
    else:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
    if len(out) == lines and len(" ".join(out)) < len(text):
        out[-1] = out[-1][: width - 1] + "…"
    return out


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _effects(c: Choice) -> str:
    """A choice's effects on the path state, in words for a tooltip."""
    parts = [f"set {k} = {'true' if v else 'false'}" for k, v in c.set_flags.items()]
    parts += [f"add {v:+d} to {k}" for k, v in c.add_counters.items()]
    if c.repairs_any:
        parts.append("repairs any earlier harm")
    elif c.repairs:
        parts.append("repairs " + ", ".join(c.repairs))
    return "; ".join(parts)


def _edges(node: Node) -> list[tuple[str, str, str, str]]:
    """(target, quality or ``auto``, label, tooltip) for every edge leaving ``node``: one per goto
    branch, labelled with the condition under which it is taken."""
    out = []
    for c in node.choices:
        branched = len(c.routes) > 1
        for r in c.routes:
            conds = [x for x in (c.cond, r.cond) if x]
            when = " and ".join(f"({x})" if len(conds) > 1 else x for x in conds)
            label = c.id + (f" if {when}" if when else (" otherwise" if branched else ""))
            tip = "; ".join(x for x in (label, _effects(c)) if x)
            out.append((r.goto, c.quality, _clip(label, 48), tip))
    branched = len(node.routes) > 1
    for r in node.routes:
        label = f"if {r.cond}" if r.cond else ("otherwise" if branched else "")
        out.append((r.goto, "auto", _clip(label, 48), label))
    return out


def render_svg(sc: Scenario) -> str:
    """The whole graph as SVG text: every node and every edge, with a legend."""
    depth = _layers(sc)
    columns: dict[int, list[str]] = {}
    for nid in sc.nodes:
        columns.setdefault(depth[nid], []).append(nid)
    pos = {}
    for col, ids in columns.items():
        for row, nid in enumerate(ids):
            pos[nid] = (MARGIN + col * (NODE_W + COL_GAP), MARGIN + 40 + row * (NODE_H + ROW_GAP))
    width = MARGIN * 2 + (max(columns) + 1) * (NODE_W + COL_GAP) - COL_GAP
    height = MARGIN * 2 + 40 + max(len(v) for v in columns.values()) * (NODE_H + ROW_GAP) + 60

    incoming: dict[str, set[str]] = {nid: set() for nid in sc.nodes}
    parts: list[str] = []
    for node in sc.nodes.values():
        edges = _edges(node)
        for k, (target, quality, label, tip) in enumerate(edges):
            if target not in pos:
                continue
            incoming[target].add(quality)
            colour, dash, _ = QUALITY_STYLE[quality]
            x1, y1 = pos[node.id][0] + NODE_W, pos[node.id][1] + NODE_H / 2
            x2, y2 = pos[target][0], pos[target][1] + NODE_H / 2
            if x2 <= x1:  # a back or same-column edge: loop around below
                mid = max(y1, y2) + NODE_H
                d = f"M{x1},{y1} C{x1 + 60},{mid} {x2 - 60},{mid} {x2},{y2}"
            else:
                d = f"M{x1},{y1} C{(x1 + x2) / 2},{y1} {(x1 + x2) / 2},{y2} {x2},{y2}"
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr} '
                         f'marker-end="url(#arrow-{quality})"><title>{escape(tip or label)}</title></path>')
            if label:
                lx, ly = (x1 + x2) / 2, (y1 + y2) / 2 - 4 + (k - len(edges) / 2) * 2
                parts.append(f'<text x="{lx:.0f}" y="{ly:.0f}" class="edge" fill="{colour}">{escape(label)}</text>')

    for nid, node in sc.nodes.items():
        x, y = pos[nid]
        quals = incoming[nid] - {"auto"}
        fill = {"best": "#dafbe1", "mixed": "#fff8c5", "harmful": "#ffebe9"}.get(
            next(iter(quals)) if len(quals) == 1 else "", "#f6f8fa")
        first = node.lines[0].text if node.lines else (node.ending.title if node.ending else "")
        label = escape(nid) + (f" — ending: {escape(node.ending.kind)}" if node.ending else "")
        parts.append(f'<g class="node"><rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8" '
                     f'fill="{fill}" stroke="#24292f" stroke-width="{3 if node.ending else 1.5}"/>')
        if node.ending:
            parts.append(f'<rect x="{x + 4}" y="{y + 4}" width="{NODE_W - 8}" height="{NODE_H - 8}" rx="6" '
                         'fill="none" stroke="#24292f"/>')
        parts.append(f'<text x="{x + 10}" y="{y + 20}" class="id">{label}</text>')
        for i, ln in enumerate(_wrap(first)):
            parts.append(f'<text x="{x + 10}" y="{y + 38 + i * 14}" class="line">{escape(ln)}</text>')
        if node.ending and node.ending.claims:
            claims = "claims: " + "; ".join(c.text for c in node.ending.claims)
            parts.append(f'<text x="{x + 4}" y="{y + NODE_H + 14}" class="claim">{escape(_clip(claims, 44))}'
                         f"<title>{escape(claims)}</title></text>")
        parts.append("</g>")

    legend = []
    for i, (colour, dash, text) in enumerate(QUALITY_STYLE.values()):
        lx = MARGIN + i * 150
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        legend.append(f'<line x1="{lx}" y1="{height - 30}" x2="{lx + 40}" y2="{height - 30}" stroke="{colour}" '
                      f'stroke-width="2"{dash_attr}/><text x="{lx + 48}" y="{height - 26}" class="line">{text}</text>')
    markers = "".join(
        f'<marker id="arrow-{q}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
        for q, (c, _, _) in QUALITY_STYLE.items()
    )
    title = escape(f"{sc.title} ({sc.id})")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
        f"<title>{title}</title><defs>{markers}</defs>"
        "<style>text{font-family:system-ui,sans-serif;fill:#24292f}.id{font-size:13px;font-weight:600}"
        ".line{font-size:11px}.edge{font-size:10px;text-anchor:middle;paint-order:stroke;stroke:#fff;"
        "stroke-width:3px}.claim{font-size:10px;font-style:italic;fill:#0550ae}</style>"
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="{MARGIN}" y="{MARGIN}" class="id" style="font-size:16px">{title}</text>'
        + "".join(parts) + "".join(legend) + "</svg>\n"
    )
