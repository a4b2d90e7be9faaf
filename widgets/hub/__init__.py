"""The course on JupyterHub: the single-user server's side of ``deploy/jupyterhub/``.

Nothing here runs a hub; JupyterHub does. :mod:`widgets.hub.extension` is a Jupyter server extension
that serves the course's landing page in each mentor's own server, and :mod:`widgets.hub.links` builds
its links (pure). Who the learner is on a hub is decided in :mod:`widgets.learner` (``JUPYTERHUB_USER``).
"""
