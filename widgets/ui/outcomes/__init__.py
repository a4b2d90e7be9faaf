"""The outcomes views (``views.py``): the mentor's self-assessment and growth report, the trainers'
cohort summary and one mentor's report.

The self-assessment is an anywidget (``assessment.js`` with dom.js in front, ``outcomes.css``, beside
``views.py``); the growth report and cohort view are ipywidgets that announce through the shared
:class:`~widgets.ui.announcer.Announcer`. The figures and HTML come from the pure :mod:`widgets.outcomes`.
"""
