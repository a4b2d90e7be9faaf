// The shared announcer (widgets/ui/announcer.py): a polite live region that is in the page before its
// words change, so screen readers read every update, and the same words said again are read again.
// speaker() and announceFrom() come from dom.js, which esm() (widgets/ui/esm.py) puts in front of this file.

function render({ model, el }) {
  const region = h("div", { className: "mc-announce", role: "status", "aria-live": "polite",
    "data-testid": model.get("testid") || null });
  el.append(region);
  return announceFrom(model, region);
}

export default { render };
