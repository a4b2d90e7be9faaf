"""Warnings about content that is valid but gives the answer away: the length cue.

If the best option of a decision point (or the correct option of a single-answer self-check
question) is the longest text far more often than chance, a mentor who picks the longest answer
wins without reading. At a point with *k* options, chance makes the right one the strictly longest
with probability 1/k (b/k when b of the k options are best; ties count as "not longest"). Over *n*
points the count of points where the right option is strictly longest is then a sum of independent
Bernoulli(1/k_i) variables (a Poisson-binomial; a binomial when every point has the same k). The file is warned about when the
observed count is so high that this chance model gives it a one-sided p-value below 0.05.

Lengths are character counts of ``text``. Warnings never make ``validate`` fail; the course-wide
shares (:func:`length_shares`) are what a content test holds at or under 40%.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from widgets.content.errors import ContentError
from widgets.content.models import Scenario, SelfCheck
from widgets.content.source import Source

#: Warn when P(at least the observed count | chance) is below this.
ALPHA = 0.05
WARNING = "warning"


def strictly_longest(texts: Sequence[str], index: int) -> bool:
    """Is ``texts[index]`` longer (in characters) than every other text?"""
    own = len(texts[index])
    return all(len(t) < own for i, t in enumerate(texts) if i != index)


def longest_is(texts: Sequence[str], right: Sequence[int]) -> bool:
    """Is the strictly longest text one of the ``right`` ones?"""
    return any(strictly_longest(texts, k) for k in right)


def tail_probability(chances: Sequence[float], observed: int) -> float:
    """P(X >= observed) where X is the number of successes of independent trials with ``chances``."""
    dist = [1.0]
    for p in chances:
        nxt = [0.0] * (len(dist) + 1)
        for k, mass in enumerate(dist):
            nxt[k] += mass * (1 - p)
            nxt[k + 1] += mass * p
        dist = nxt
    return min(1.0, sum(dist[observed:])) if observed < len(dist) else 0.0


@dataclass(frozen=True)
class Point:
    """One place where a right answer sits among options: where it is, and whether it is longest."""

    where: tuple[str | int, ...]
    label: str
    chance: float
    longest: bool


def scenario_points(sc: Scenario) -> list[Point]:
    """Each decision point with more than one option, at least one of them best (with two best
    options out of four, chance makes a best one the longest half the time)."""
    out = []
    for node in sc.nodes.values():
        best = [k for k, c in enumerate(node.choices) if c.quality == "best"]
        if len(node.choices) < 2 or not best or len(best) == len(node.choices):
            continue
        texts = [c.text for c in node.choices]
        out.append(Point(("nodes", node.id, "choices", best[0], "text"), node.id, len(best) / len(texts),
                         longest_is(texts, best)))
    return out


def selfcheck_points(sc: SelfCheck) -> list[Point]:
    """Each single-answer question with more than one option."""
    out = []
    for i, q in enumerate(sc.questions):
        correct = [k for k, o in enumerate(q.options) if o.correct]
        if q.kind != "single" or len(q.options) < 2 or len(correct) != 1:
            continue
        texts = [o.text for o in q.options]
        out.append(Point(("questions", i, "options", correct[0], "text"), q.id, 1 / len(texts),
                         strictly_longest(texts, correct[0])))
    return out


def _warn(src: Source, points: list[Point], what: str, right: str) -> list[ContentError]:
    hits = [p for p in points if p.longest]
    if not hits:
        return []
    p_value = tail_probability([p.chance for p in points], len(hits))
    if p_value >= ALPHA:
        return []
    expected = sum(p.chance for p in points)
    first = hits[0]
    line, col = src.locate(first.where)
    names = ", ".join(p.label for p in hits[:8]) + (", ..." if len(hits) > 8 else "")
    return [ContentError(src.file, line, col, "lint.length-cue",
                         f"the {right} option is the longest text at {len(hits)} of {len(points)} {what} "
                         f"(chance alone: about {expected:.1f}; p = {p_value:.3f}): {names}. Shorten good options "
                         "and make weaker ones as specific as a real mentor's words", first.where, WARNING)]


def lint_scenario(src: Source, sc: Scenario) -> list[ContentError]:
    """A ``lint.length-cue`` warning when the best option is the longest more often than chance allows."""
    return _warn(src, scenario_points(sc), "decision points", "best")


def lint_selfcheck(src: Source, sc: SelfCheck) -> list[ContentError]:
    """A ``lint.length-cue`` warning when the correct option is the longest more often than chance allows."""
    return _warn(src, selfcheck_points(sc), "single-answer questions", "correct")


@dataclass(frozen=True)
class Shares:
    """Course-wide length cue: best-is-longest over decision points, correct-is-longest over
    single-answer questions (each must stay at or under 40%)."""

    best_longest: int
    decision_points: int
    correct_longest: int
    single_questions: int

    @property
    def best_share(self) -> float:
        return self.best_longest / self.decision_points if self.decision_points else 0.0

    @property
    def correct_share(self) -> float:
        return self.correct_longest / self.single_questions if self.single_questions else 0.0

    def summary(self) -> str:
        return (f"best option is the longest at {self.best_longest} of {self.decision_points} decision points "
                f"({self.best_share:.0%}); correct option is the longest in {self.correct_longest} of "
                f"{self.single_questions} single-answer questions ({self.correct_share:.0%})")


def length_shares(scenarios: Iterable[Scenario], selfchecks: Iterable[SelfCheck]) -> Shares:
    """The course-wide shares a content test holds at or under 40%."""
    sp = [p for sc in scenarios for p in scenario_points(sc)]
    qp = [p for sc in selfchecks for p in selfcheck_points(sc)]
    return Shares(sum(p.longest for p in sp), len(sp), sum(p.longest for p in qp), len(qp))


def course_length_shares(root: Any = None) -> Shares:
    """The shares over the whole course at ``root`` (default: the course found from here), for the
    content test that holds both at or under 40%."""
    from widgets.content.loader import check_paths

    result = check_paths(root=root)
    return length_shares(result.playable or result.scenarios, result.selfchecks)
