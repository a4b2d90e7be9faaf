# Each mentor's single-user server on the hub (JupyterHub points JUPYTER_CONFIG_PATH here; see
# ../jupyterhub_config.py). Voilà runs as a server extension beside JupyterLab, and the course's own
# extension serves the landing page at /mentor-course (the hub's default_url). Voilà's own settings (the
# course's template, sources stripped, tracebacks hidden) are in voila.py beside this file: Voilà's
# server extension reads only that file, never this one.
c = get_config()  # noqa: F821 - provided by the Jupyter config loader

from widgets.serving.binder import SERVER_CONFIG  # noqa: E402 - config files run top to bottom

# The live rooms' participant page (<base>/live/join), served by the server itself: on a hub each
# participant joins from their own server, under their hub name (widgets/live/web/extension.py).
c.ServerApp.jpserver_extensions.update({"voila": True, "widgets.hub.extension": True,
                                        "widgets.live.web.extension": True})
# No MathJax from a public CDN in Voilà pages (widgets/serving/binder.py, SERVER_CONFIG). Assigned as a
# plain dict: `c.ServerApp.tornado_settings.update(...)` makes a lazy value that JupyterHub's single-user
# extension cannot read (it checks `'log_function' in config.ServerApp.tornado_settings`), and the
# server failed to start.
c.ServerApp.tornado_settings = dict(SERVER_CONFIG["ServerApp"]["tornado_settings"])
# A kernel whose page has gone is shut down after ten minutes; the hub's idle culler stops the server.
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False
