# nbgrader in every server on the hub (trainers' and mentors'): one exchange folder on the machine,
# shared by all, and the course's id, so mentors fetch and submit with no setup of their own.
# JupyterHub's spawner points JUPYTER_CONFIG_PATH here and sets MENTOR_COURSE_EXCHANGE.
import os

c = get_config()  # noqa: F821 - provided by nbgrader's config loader

c.Exchange.root = os.environ.get("MENTOR_COURSE_EXCHANGE", "/srv/nbgrader/exchange")
c.CourseDirectory.course_id = "mixed-heritage-mentoring"
