"""Merging an imported progress document into ours without losing anything either holds.

Pure: :meth:`widgets.progress.files.ProgressFile.import_text` reads, backs up and writes; this only
combines two documents and says, in a mentor's words, what the import changed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from widgets.progress.events import MAX_KEPT_DRAFTS, MAX_RUNS, scenario_entry
from widgets.progress.sections import Doc, sections


@dataclass
class MergeReport:
    """What an import changed, in words a mentor understands."""

    runs_added: int = 0
    positions_taken: int = 0
    answers_taken: int = 0
    drafts_taken: int = 0
    drafts_kept: int = 0
    backup: str = ""
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.runs_added} finished scenario play-through(s)", f"{self.answers_taken} self-check answer(s)",
                 f"{self.drafts_taken} reflection draft(s)"]
        text = "Imported " + ", ".join(parts) + "."
        if self.drafts_kept:
            text += f" {self.drafts_kept} different version(s) of your drafts were kept beside the newer ones."
        if self.backup:
            text += f" Your progress before the import was kept as {self.backup}."
        return text


def _merge_scenario(mine: dict[str, Any], sc: Mapping[str, Any], rep: MergeReport) -> None:
    """Unite finished runs (by id); the newer current position wins; acknowledged once is enough."""
    ids = {r.get("id") for r in mine.get("runs", [])}
    for run in sc.get("runs", []):
        if run.get("id") not in ids or run.get("id") is None:
            mine.setdefault("runs", []).append(copy.deepcopy(run))
            rep.runs_added += 1
    mine["runs"] = sorted(mine.get("runs", []), key=lambda r: r.get("at", ""))[-MAX_RUNS:]
    mine["acknowledged"] = bool(mine.get("acknowledged")) or bool(sc.get("acknowledged"))
    if sc.get("updated", "") > mine.get("updated", ""):
        mine["history"] = list(sc.get("history", []))
        mine["updated"] = sc["updated"]
        rep.positions_taken += 1


def _merge_answers(mine: dict[str, Any], answers: Mapping[str, Any], rep: MergeReport) -> None:
    """The newer answer to each question wins; attempts count the larger of the two."""
    for qid, ans in answers.items():
        if ans.get("at", "") > mine.get(qid, {}).get("at", ""):
            attempts = max(int(ans.get("attempts", 1)), int(mine.get(qid, {}).get("attempts", 0)))
            mine[qid] = {**copy.deepcopy(ans), "attempts": attempts}
            rep.answers_taken += 1


def _united_kept(current: Mapping[str, Any], draft: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Our kept versions plus theirs that we do not hold yet (as kept text or as the draft itself)."""
    kept = list(current.get("kept", []))
    known = {k["text"] for k in kept} | {current["text"]}
    for k in draft.get("kept", []):
        if k.get("text") and k["text"] not in known:
            kept.append(copy.deepcopy(k))
            known.add(k["text"])
    return kept


def _merge_draft(current: dict[str, Any] | None, draft: Mapping[str, Any], rep: MergeReport) -> dict[str, Any]:
    """The newer text wins and the older one, if different and not empty, is kept."""
    if current is None:
        rep.drafts_taken += 1
        return copy.deepcopy(dict(draft))
    kept = _united_kept(current, draft)
    if draft["text"] == current["text"]:
        return {**current, "kept": kept[-MAX_KEPT_DRAFTS:]}
    newer, older = (draft, current) if draft.get("at", "") > current.get("at", "") else (current, draft)
    if older["text"].strip() and older["text"] not in {k["text"] for k in kept}:
        kept.append({"text": older["text"], "at": older.get("at", ""), "reason": "import"})
        rep.drafts_kept += 1
    if newer is draft:
        rep.drafts_taken += 1
    return {"text": newer["text"], "at": newer.get("at", ""),
            "rev": max(int(current.get("rev", 0)), int(draft.get("rev", 0))) + 1, "kept": kept[-MAX_KEPT_DRAFTS:]}


def merge(ours: Doc, theirs: Doc) -> tuple[Doc, MergeReport]:
    """Combine an imported document into ours without losing anything either holds.

    Finished play-throughs are united (by id); for a scenario's current position, a self-check answer
    and a draft the newer one wins; a draft text that loses is kept in ``kept``. Our learner id
    stays (it names this file); our name stays unless we have none.
    """
    out = copy.deepcopy(ours)
    rep = MergeReport()
    for key, sc in theirs.get("scenarios", {}).items():
        _merge_scenario(scenario_entry(out, key), sc, rep)
    for module, answers in theirs.get("selfchecks", {}).items():
        _merge_answers(out["selfchecks"].setdefault(module, {}), answers, rep)
    for module, drafts in theirs.get("drafts", {}).items():
        mine = out["drafts"].setdefault(module, {})
        for pid, draft in drafts.items():
            mine[pid] = _merge_draft(mine.get(pid), draft, rep)
    for section in sections():
        if section.name in theirs:
            out[section.name] = section.merge(out.get(section.name), theirs[section.name])
    if not out.get("name") and theirs.get("name"):
        out["name"] = theirs["name"]
    out["updated"] = max(out.get("updated", ""), theirs.get("updated", ""))
    return out, rep


__all__ = ["MergeReport", "merge"]
