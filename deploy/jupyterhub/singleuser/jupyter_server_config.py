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

