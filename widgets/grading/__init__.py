"""Reflection assignments and rubric grading on top of nbgrader.

Pure: ``score`` (the rubric model; levels -> points, bands, comment text), ``submissions`` (reading what a
mentor sent), ``notebooks`` (an assignment notebook from a module's YAML), ``rubric`` (loading the rubric
YAML with the content machinery). Adapters: ``gradebook`` (every nbgrader Gradebook call), ``store``
(rubric levels and safeguarding flags, SQLite or PostgreSQL), ``nbgrader_apps`` and ``release`` (nbgrader's
steps), ``preprocessors`` (two autograde fixes), ``collect`` (importing downloaded notebooks).
Orchestration: ``assignments`` (generate / check drift), ``session`` (what the grading view does),
``summary`` (CSV and plots). Views: ``view`` (ipywidgets). CLI: ``cli`` (``mentor-course grading``).

Nothing is imported here, so ``import widgets.grading.score`` stays as light as the core.
"""
