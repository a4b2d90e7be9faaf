# Each mentor's single-user server on the hub (JupyterHub points JUPYTER_CONFIG_PATH here; see
# ../jupyterhub_config.py). Voilà runs as a server extension beside JupyterLab, and the course's own
# extension serves the landing page at /mentor-course (the hub's default_url).
c = get_config()  # noqa: F821 - provided by the Jupyter config loader

c.ServerApp.jpserver_extensions.update({"voila": True, "widgets.hub.extension": True})
# Mentors see the course, not Python errors or code, in Voilà pages (JupyterLab still shows code).
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.strip_sources = True
# A kernel whose page has gone is shut down after ten minutes; the hub's idle culler stops the server.
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False

# The same pages as `mentor-course serve` and Binder: the course's Voilà template (no CDN requests, the
# JupyterLab-only "Run All" note hidden, prose and widgets in one column), only the widget extensions in a
# page, and no MathJax fetched from a public CDN (see widgets/serving/binder.py for why each is set).
from widgets.serving.app import use_course_templates  # noqa: E402 - config files run top to bottom
from widgets.serving.binder import SERVER_CONFIG, VOILA_CONFIG  # noqa: E402

use_course_templates()
c.VoilaConfiguration.template = VOILA_CONFIG["VoilaConfiguration"]["template"]
c.VoilaConfiguration.extension_allowlist = VOILA_CONFIG["VoilaConfiguration"]["extension_allowlist"]
c.ServerApp.tornado_settings.update(SERVER_CONFIG["ServerApp"]["tornado_settings"])
