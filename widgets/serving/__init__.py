"""Serving the course: `mentor-course serve`, a standalone Voilà app with hardened, measured defaults.

``settings`` holds every knob as a plain value (testable without Jupyter); ``landing`` renders the
landing page from ``modules/course.yaml`` (pure, stdlib only); ``handlers`` and ``app`` are the thin
Voilà/tornado layer; ``cli`` is the click command. Nothing here is imported by ``widgets`` itself, so
``import widgets`` never pays for Voilà.
"""
