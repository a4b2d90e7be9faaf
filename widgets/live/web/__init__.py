"""The participant's page of the live rooms, served by the server process itself (no kernel per
participant): see :mod:`widgets.live.web.rooms` for why, :mod:`widgets.live.web.handlers` for the page
and its websocket, :mod:`widgets.live.web.extension` for mounting it in a Jupyter server."""
