"""nbgrader configuration for the course's reflection assignments (docs/trainers.md walks through it).

nbgrader reads this file when a command runs in this folder (``cd course && nbgrader ...``); the
``mentor-course grading`` commands read it too, so both agree on the gradebook and the folders.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader's config loader

#: One id for the course everywhere: the exchange, the gradebook, the feedback.
c.CourseDirectory.course_id = "mixed-heritage-mentoring"

#: This folder is the course root, wherever nbgrader is started from.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

#: The gradebook: SQLite beside this file by default. Several trainers grading at once share a
#: PostgreSQL database instead: export MENTOR_COURSE_GRADEBOOK_URL=postgresql+psycopg://user@host/db
c.CourseDirectory.db_url = os.environ.get("MENTOR_COURSE_GRADEBOOK_URL") or (
    "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")
)

#: Never copy text files paired with a notebook (jupytext .py/.md/...) into a release or a submission:
#: they would carry the solutions and hidden tests that generate_assignment removes from the notebook.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
    "*.py", "*.md", "*.markdown", "*.Rmd", "*.qmd", "*.myst", "*.mystnb", "*.R", "*.jl",
]

#: What a mentor sees in place of an answer or a knowledge-check letter (widgets/grading/notebooks.py
#: ANSWER_STUB and CODE_STUB; a test keeps them equal).
c.ClearSolutions.text_stub = "Write your answer here, in place of this line."
c.ClearSolutions.code_stub = {"python": '""  # type the letter(s) of your choice between these quotes'}

#: A mentor who deletes an answer cell still gets it graded: RestoreMissingGradeCells puts it back
#: after its prompt (with a note) so its grade and comment reach the feedback, and the grading view
#: shows whatever the mentor wrote elsewhere. nbgrader's own OverwriteCells.add_missing_cells stays off:
#: in 0.9.6 it fails any submission of these notebooks with a deleted answer (KeyError: 'prompt-...').
#: A duplicated answer cell: nbgrader grades the last copy; ClearDuplicateMarks turns the other copies
#: into plain cells (else nbgrader 0.9.6 fails the submission, jupyter/nbgrader#1083); the grading view
#: shows every copy.
#: RestoreHiddenTests: the released test cells lack their hidden tests, so nbgrader 0.9.6 warned that
#: each untouched test cell's checksum "has changed"; the hidden part is put back first (only when the
#: cell is otherwise exactly as released), so nbgrader warns only about real edits.
c.OverwriteCells.add_missing_cells = False
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "widgets.grading.preprocessors.ClearDuplicateMarks",
    "widgets.grading.preprocessors.RestoreMissingGradeCells",
    "widgets.grading.preprocessors.RestoreHiddenTests",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
#: Mentors' text is rendered as HTML by the formgrader (on the Jupyter server's origin) and in feedback:
#: SanitizeMentorText turns it into sanitised HTML (bleach allow-list; scripts, styles and images shown
#: as text) after nbgrader has scored it, so every later view of autograded/ is safe.
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "widgets.grading.preprocessors.SanitizeMentorText",
    "nbgrader.preprocessors.CheckCellMetadata",
]

#: Feedback goes to the mentor: never the hidden tests (nbgrader 0.9.6 keeps them, jupyter/nbgrader#917),
#: nor a failed hidden test's traceback, which quotes the expected answer (ClearHiddenTestsFromFeedback:
#: nbgrader's ClearHiddenTests plus that); mentors' text sanitised again (for submissions autograded
#: before SanitizeMentorText existed).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "widgets.grading.preprocessors.ClearHiddenTestsFromFeedback",
    "widgets.grading.preprocessors.SanitizeMentorText",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

#: Binder or email (no exchange): `nbgrader zip_collect <assignment>` files notebooks saved as
#: course/downloaded/<assignment>/archive/<mentor-id>_<assignment>.ipynb; `mentor-course grading import`
#: does the same with checks, safe mentor ids and no overwriting. Module ids need no number prefix
#: (safeguarding-reflection), so the assignment part is any slug ending in -reflection.
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.zipcollect.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = (
    r".*[/\\](?P<student_id>[A-Za-z0-9][A-Za-z0-9._-]*)_(?P<file_id>[a-z0-9]+(?:-[a-z0-9]+)*-reflection)(?: ?\(\d+\))?\.ipynb$"
)

#: Knowledge checks run in a second or two; anything longer is a stuck kernel.
c.ExecutePreprocessor.timeout = 60
