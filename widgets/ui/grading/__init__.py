"""The trainer's grading view, shown by course/grading.ipynb (``view.grading_view()``).

Standard ipywidgets plus one small anywidget of its own (``LevelPicker``: a criterion's levels as a
native radio group, ``levels.js``/``levels.css`` beside it); the view's stylesheet is ``grading.css``.
It announces through the shared :class:`~widgets.ui.announcer.Announcer` and keeps JupyterLab's shortcuts
out with :class:`~widgets.ui.keys.ShortcutGuard`. Every decision is made by
:mod:`widgets.grading.session`; this package only renders and forwards.
"""
