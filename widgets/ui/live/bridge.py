"""``PageBridge``: the one custom widget of the live apps. It does three small things the standard
ipywidgets cannot:

* tells the kernel the page's real address (``href``), so join links use the host name people typed,
  even behind a proxy;
* writes the seat's (or the facilitator's) token into the address bar with ``history.replaceState``
  (``query``), so reloading the page, or restoring the tab, comes back to the same seat;
* keeps two live regions in the page, a polite one for news (``message``: "Votes are open") and an
  assertive one for problems (``error``), so screen readers hear what changed without hunting for it.

Why the URL rather than the browser's storage: the address is what Voilà hands the new kernel when the
page is reloaded (``QUERY_STRING``), before any JavaScript runs, so the seat is known at once; it also
keeps two tabs of one browser as two separate seats, and it is visible: a participant can see and
bookmark it. The cost is that a copied address takes the seat with it, which the page says.
It also carries the apps' stylesheet (``live.css``). Text only ever goes into ``textContent``.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

_HERE = Path(__file__).parent

_ESM = """
function render({ model, el }) {
  el.classList.add("mc-live-bridge");
  const status = document.createElement("p");
  status.className = "mc-live-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.dataset.testid = "live-status";
  const error = document.createElement("p");
  error.className = "mc-live-error";
  error.setAttribute("role", "alert");
  error.dataset.testid = "live-error";
  el.append(status, error);

  const show = () => {
    status.textContent = model.get("message");
    const problem = model.get("error");
    error.textContent = problem;
    error.hidden = !problem;
  };
  const report = () => {
    model.set("href", window.location.href);
    model.save_changes();
  };
  const applyQuery = () => {
    const query = model.get("query");
    if (!query) return;
    const url = new URL(window.location.href);
    const wanted = query.startsWith("?") ? query : "?" + query;
    if (url.search !== wanted) {
      url.search = wanted;
      window.history.replaceState(window.history.state, "", url.toString());
    }
    report();
  };
  model.on("change:message", show);
  model.on("change:error", show);
  model.on("change:query", applyQuery);
  show();
  if (model.get("query")) applyQuery(); else report();
}
export default { render };
"""


class PageBridge(anywidget.AnyWidget):
    """The page's address, its query string, and its two live regions (see the module docstring)."""

    _esm = _ESM
    _css = _HERE / "live.css"
    href = traitlets.Unicode("", help="The page's address as the browser shows it (set by the page).").tag(sync=True)
    query = traitlets.Unicode("", help="Query string to put into the address bar without reloading.").tag(sync=True)
    message = traitlets.Unicode("", help="News for everyone, announced politely.").tag(sync=True)
    error = traitlets.Unicode("", help="A problem to announce at once; empty hides it.").tag(sync=True)

    def say(self, text: str) -> None:
        """Announce news and clear any earlier problem."""
        self.error = ""
        self.message = text

    def problem(self, text: str) -> None:
        self.error = text


__all__ = ["PageBridge"]
