"""Draw a scenario's graph as a standalone SVG, for authors reviewing a branching structure.

A layered layout with no dependencies (Graphviz is not on every author's machine): each node sits in
the column of its shortest distance from ``start``; edges are choices, coloured and dashed by
quality so the picture reads without colour too; endings have a double border and their kind.

For ``mentor-scenario/2`` the map also shows what the path state does: an edge taken only when a
condition holds is labelled ``if ...`` (a choice's own ``if:`` and each branch of a conditional
``goto``; the fallback branch reads ``otherwise``), its tooltip lists the choice's ``set``/``add``/
``repairs``, and an ending lists its ``claims`` under its box.

This module computes the geometry (positions, paths, colours) into small frozen shapes; the markup is
``widgets/templates/authoring/scenario_map.svg``, rendered with autoescape (:mod:`widgets.templating`),
so a scenario's text can never become a tag.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from widgets.content.models import Choice, Node, Scenario
from widgets.templating import render

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


@dataclass(frozen=True)
class Text:
    """A piece of text placed at (x, y); ``tip`` is its tooltip, if any."""

    x: float | int | str
    y: float | int | str
    text: str
    tip: str = ""


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class EdgeShape:
    """One edge: its path ``d``, its style by quality, its tooltip and its (possibly empty) label."""

    d: str
    colour: str
    dash: str
    quality: str
    tip: str
    label: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class NodeShape:
    """One node's box (an ending has a double border: ``inner``), its id line, text lines and claims."""

    x: int
    y: int
    width: int
    height: int
    fill: str
    stroke_width: float
    inner: Box | None
    label: Text
    lines: tuple[Text, ...]
    claims: Text | None


@dataclass(frozen=True)
class LegendItem:
    x1: int
    x2: int
    y: int
    colour: str
    dash: str
    text_x: int
    text_y: int
    text: str


def _positions(sc: Scenario) -> tuple[dict[str, tuple[int, int]], int, int]:
    """Each node's top-left corner, and the picture's width and height."""
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
    return pos, width, height


def _edge_shapes(sc: Scenario, pos: dict[str, tuple[int, int]]) -> tuple[list[EdgeShape], dict[str, set[str]]]:
    """Every drawable edge, and the qualities arriving at each node (which tint its box)."""
    incoming: dict[str, set[str]] = {nid: set() for nid in sc.nodes}
    shapes: list[EdgeShape] = []
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
            lx, ly = (x1 + x2) / 2, (y1 + y2) / 2 - 4 + (k - len(edges) / 2) * 2
            shapes.append(EdgeShape(d, colour, dash, quality, tip or label, label, f"{lx:.0f}", f"{ly:.0f}"))
    return shapes, incoming


def _node_shape(node: Node, x: int, y: int, incoming: set[str]) -> NodeShape:
    quals = incoming - {"auto"}
    fill = {"best": "#dafbe1", "mixed": "#fff8c5", "harmful": "#ffebe9"}.get(
        next(iter(quals)) if len(quals) == 1 else "", "#f6f8fa")
    first = node.lines[0].text if node.lines else (node.ending.title if node.ending else "")
    label = node.id + (f" — ending: {node.ending.kind}" if node.ending else "")
    claims = None
    if node.ending and node.ending.claims:
        said = "claims: " + "; ".join(c.text for c in node.ending.claims)
        claims = Text(x + 4, y + NODE_H + 14, _clip(said, 44), said)
    return NodeShape(
        x, y, NODE_W, NODE_H, fill, 3 if node.ending else 1.5,
        Box(x + 4, y + 4, NODE_W - 8, NODE_H - 8) if node.ending else None,
        Text(x + 10, y + 20, label),
        tuple(Text(x + 10, y + 38 + i * 14, ln) for i, ln in enumerate(_wrap(first))),
        claims,
    )


def render_svg(sc: Scenario) -> str:
    """The whole graph as SVG text: every node and every edge, with a legend.

    Python computes the layout (positions, paths, colours); ``templates/authoring/scenario_map.svg``
    places the values, escaping every piece of the scenario's text (autoescape).
    """
    pos, width, height = _positions(sc)
    edges, incoming = _edge_shapes(sc, pos)
    nodes = [_node_shape(node, *pos[nid], incoming[nid]) for nid, node in sc.nodes.items()]
    legend = [
        LegendItem(MARGIN + i * 150, MARGIN + i * 150 + 40, height - 30, colour, dash,
                   MARGIN + i * 150 + 48, height - 26, text)
        for i, (colour, dash, text) in enumerate(QUALITY_STYLE.values())
    ]
    markers = [{"quality": q, "colour": c} for q, (c, _, _) in QUALITY_STYLE.items()]
    return render(
        "authoring/scenario_map.svg", width=width, height=height, margin=MARGIN, title=f"{sc.title} ({sc.id})",
        markers=markers, edges=edges, nodes=nodes, legend=legend,
    ) + "\n"
