"""Live cohort role-plays: rooms that a facilitator runs and participants join from their own browsers.

Pure core (stdlib, PyYAML through the content loader, and a database driver): ``room`` (the rules, as
functions over frozen values), ``codes`` (join codes, tokens, names), ``debrief`` (what the end shows and
the CSV export), ``migrations`` (the schema), ``db`` (SQLite and PostgreSQL behind one interface) and
``store`` (``RoomStore(url)``). Views: ``ui`` (ipywidgets, imported only by the notebooks). Command line:
``cli`` (``mentor-course room ...``).
"""
