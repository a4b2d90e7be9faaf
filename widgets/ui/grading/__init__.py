"""The trainer's grading view (ipywidgets with small anywidgets), shown by course/grading.ipynb."""
