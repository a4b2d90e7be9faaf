"""Reflection assignments and rubric grading on top of nbgrader.

Pure: ``score`` (the rubric model; levels -> points, bands, comment text), ``submissions`` (reading what a
mentor sent), ``notebooks`` (an assignment notebook from a module's YAML), ``rubric`` (loading the rubric
YAML with the content machinery). Adapters: ``gradebook`` (every nbgrader Gradebook call), ``store``
(rubric levels, safeguarding flags and submissions on record, SQLite or PostgreSQL), ``records`` (keeping
course folders and that record in step: several servers, resubmissions), ``sanitize`` (mentors' Markdown as
safe HTML), ``nbgrader_apps`` and ``release`` (nbgrader's steps), ``preprocessors`` (the course's autograde
and feedback steps), ``collect`` (importing downloaded notebooks).
Orchestration: ``assignments`` (generate / check drift), ``session`` (what the grading view does),
``summary`` (CSV and plots). Views: :mod:`widgets.ui.grading.view` (ipywidgets). CLI: ``cli`` (``mentor-course grading``).

Nothing is imported here, so ``import widgets.grading.score`` stays as light as the core.
"""
