// The live console's page bridge (widgets/ui/live/bridge.py): reports the page's address, writes the
// room's key into the address bar, and keeps two live regions: news (polite, the shared announcer's
// announceFrom() from dom.js, which esm() puts in front of this file) and problems (assertive).
// Text only ever goes into textContent.

function render({ model, el }) {
  el.classList.add("mc-live-bridge");
  const status = h("p", { className: "mc-live-status", role: "status", "aria-live": "polite", "data-testid": "live-status" });
  const error = h("p", { className: "mc-live-error", role: "alert", "data-testid": "live-error" });
  el.append(status, error);

  const showError = () => {
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
  const stopNews = announceFrom(model, status);
  model.on("change:error", showError);
  model.on("change:query", applyQuery);
  showError();
  if (model.get("query")) applyQuery(); else report();
  return () => {
    stopNews();
    model.off("change:error", showError);
    model.off("change:query", applyQuery);
  };
}

export default { render };
