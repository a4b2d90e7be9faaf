# Voilà's settings in each mentor's server on the hub: the course's template and the same page settings
# as `mentor-course serve` and Binder (widgets/serving/binder.py says why each is set).
#
# They must be here, not in jupyter_server_config.py: Voilà's server extension builds its
# VoilaConfiguration from voila.py/voila.json on the Jupyter config path only
# (voila.server_extension.load_config_file, passed as the configurable's own config, so the server's
# config is never consulted). A c.VoilaConfiguration line in jupyter_server_config.py is silently ignored.
# JupyterHub puts this folder on JUPYTER_CONFIG_PATH (../jupyterhub_config.py).
c = get_config()  # noqa: F821 - provided by the Jupyter config loader

from widgets.serving.app import use_course_templates  # noqa: E402 - config files run top to bottom
from widgets.serving.binder import VOILA_CONFIG  # noqa: E402

# The template ships inside the package (widgets/serving/share), which is on no Jupyter data path of a
# pip-installed environment: put it there before Voilà looks the template up (when it loads, just after
# reading this file, and at each page).
use_course_templates()
for key, value in VOILA_CONFIG["VoilaConfiguration"].items():
    setattr(c.VoilaConfiguration, key, value)
