"""Generate a cohort of progress files, and keep, beside each, the truth of what was written.

The truth (the ratings given, each decision's node and quality, the modules finished) lets a test
compute the cohort's figures directly, without the code under test, and compare them with its CSV.
Mentors differ: some skip the "before" or "after" assessment, answer "Not sure", stop part-way
through the course, replay scenarios, or leave a replay unfinished.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from widgets import engine, progress
from widgets.outcomes import records
from widgets.outcomes.course_data import OutcomesContent


@dataclass
class Truth:
    learner: str
    ratings: dict[str, dict[str, int | None]] = field(default_factory=lambda: {"before": {}, "after": {}})
    # scenario key -> list of (node, choice id, quality) per attempt
    first: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    latest: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    in_progress: set[str] = field(default_factory=set)


class _Clock:
    def __init__(self, day: int) -> None:
        self.n = 0
        self.day = day

    def __call__(self) -> str:
        self.n += 1
        return f"2025-04-{self.day:02d}T{self.n // 3600:02d}:{self.n // 60 % 60:02d}:{self.n % 60:02d}.000Z"


def _walk(sc: Any, rng: random.Random, p_best: float, p_harm: float, stop_after: int | None = None
          ) -> tuple[list[str], list[tuple[str, str, str]], str | None]:
    """Play ``sc``: at each point best with ``p_best``, harmful with ``p_harm``, else mixed (or best)."""
    st = engine.start(sc)
    history: list[str] = []
    taken: list[tuple[str, str, str]] = []
    while not engine.is_ended(sc, st):
        if stop_after is not None and len(history) >= stop_after:
            return history, taken, None
        choices = engine.available_choices(sc, st)
        by = {q: [c for c in choices if c.quality == q] for q in ("best", "mixed", "harmful")}
        roll = rng.random()
        pool = by["best"] if roll < p_best else (by["harmful"] if roll < p_best + p_harm else by["mixed"])
        pick = rng.choice(pool or by["best"] or list(choices))
        taken.append((st.node_id, pick.id, pick.quality))
        history.append(pick.id)
        st = engine.choose(sc, st, pick.id).state
    return history, taken, st.node_id


def make_mentor(content: OutcomesContent, index: int, seed: int = 7) -> tuple[dict[str, Any], Truth]:
    """One mentor's progress document and the truth of what it holds."""
    rng = random.Random(seed * 1000 + index)
    clock = _Clock(1 + index % 28)
    learner = f"mentor-cohort{index:05d}"
    truth = Truth(learner)
    doc = progress.new_progress(learner, now=clock())
    items = content.assessment.items if content.assessment else ()
    skill = rng.uniform(2.0, 4.5)
    gain = rng.uniform(-0.5, 2.5)

    def rate(phase: str, centre: float, share: float) -> None:
        nonlocal doc
        for item in items:
            if rng.random() > share:
                continue
            value: int | None = None if rng.random() < 0.05 else max(1, min(7, round(rng.gauss(centre, 0.9))))
            truth.ratings[phase][item.id] = value
            doc = records.apply_event(doc, records.rate_event(phase, item.id, value, course=content.course.id,
                                                              at=clock()))

    if index % 10 != 3:  # two in twenty never took the "before" assessment
        rate("before", skill, 1.0 if index % 7 else 0.6)
    modules = list(content.course.modules)
    # Three in four finish the course; the others stop somewhere in its second half.
    finished = len(modules) if index % 4 else rng.randint(len(modules) // 2, len(modules) - 1)
    for m_index, module in enumerate(modules[: finished + 1]):
        complete = m_index < finished
        scenarios = [(k, sc) for k, sc in sorted(content.scenarios.items()) if sc.module == module.id]
        for s_index, (key, sc) in enumerate(scenarios):
            if not complete and s_index > 0:
                break
            history, taken, ending = _walk(sc, rng, 0.45, 0.25, None if complete else 1)
            truth.first[key] = truth.latest[key] = taken
            extra = {"ended": {"ending": ending, "totals": {}}} if ending else {}
            doc = progress.apply_event(doc, progress.make_event("scenario.position", at=clock(), scenario=key,
                                                                history=history, **extra))
            if complete and rng.random() < 0.6:  # a replay, finished or left part-way
                partial = None if rng.random() < 0.7 else 2
                history, taken, ending = _walk(sc, rng, 0.8, 0.05, partial)
                if history:
                    truth.latest[key] = taken
                    extra = {"ended": {"ending": ending, "totals": {}}} if ending else {}
                    doc = progress.apply_event(doc, progress.make_event("scenario.position", at=clock(),
                                                                        scenario=key, history=history, **extra))
        inv = next(i for i in content.inventories if i.module == module.id)
        if complete:
            for q in inv.questions:
                doc = progress.apply_event(doc, progress.make_event(
                    "selfcheck.answer", at=clock(), module=module.id, question=q, selected=["a"], correct=True))
            for p in inv.prompts:
                doc = progress.apply_event(doc, progress.make_event(
                    "draft.save", at=clock(), module=module.id, prompt=p, text="Some thoughts.", base_rev=0))
            truth.done.add(module.id)
        elif scenarios:
            truth.in_progress.add(module.id)
    if finished == len(modules) and index % 6 != 1:  # most who finished took the "after" assessment
        rate("after", skill + gain, 1.0)
    return doc, truth


def make_cohort(content: OutcomesContent, n: int = 20, seed: int = 7) -> list[tuple[dict[str, Any], Truth]]:
    return [make_mentor(content, i, seed) for i in range(n)]


__all__ = ["Truth", "make_cohort", "make_mentor"]
