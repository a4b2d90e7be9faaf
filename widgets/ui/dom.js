// Shared DOM helpers for the course's anywidget views. Not a module of its own: `esm()` in
// widgets/ui/esm.py prepends this text to each view's source, so every view is still one ES module
// and nothing is fetched at run time.

const INTERACTIVE = new Set(["A", "BUTTON", "INPUT", "SELECT", "SUMMARY", "TEXTAREA"]);

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  // JupyterLab matches its notebook shortcuts (Enter, A, B, D D, arrows) against the focused element
  // first; this attribute on it keeps keys pressed in the widget for the widget.
  if (INTERACTIVE.has(node.tagName) || "tabindex" in attrs) node.setAttribute("data-lm-suppress-shortcuts", "true");
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "html") node.innerHTML = value;
    else if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// An id unique in the page. The counter alone is not enough: anywidget may load a view's module once per
// widget, each copy with its own counter, and two widgets drawn in the same millisecond would share ids
// (and radio groups sharing a name are one group to the keyboard); the random part keeps them apart.
let counter = 0;
const uid = (prefix) =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

// Save `text` as a file called `name` (the kernel sends the bytes as text; nothing is stored anywhere).
function download(name, mime, text) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = h("a", { href: url, download: name, style: "display:none" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

// How long a live region stays empty before it is given its words: long enough for a screen reader to
// notice the change, short enough to be simultaneous for everyone else.
const SAY_AFTER_MS = 60;

// `say(words)` for a live region (aria-live) that is already in the page: screen readers read only
// changes to a region they know. It empties the region first, so the same words said twice ("Saved.")
// are read twice; words said in quick succession leave only the last.
function speaker(region) {
  let timer = null;
  return (words) => {
    clearTimeout(timer);
    region.textContent = "";
    timer = setTimeout(() => { region.textContent = words; }, SAY_AFTER_MS);
  };
}

// Let `region` speak for an announcer model (widgets/ui/announcer.py): its `message`, again whenever
// `count` grows. The words present at first are shown, not spoken. Returns the cleanup for render().
function announceFrom(model, region) {
  const say = speaker(region);
  const update = () => say(model.get("message"));
  region.textContent = model.get("message");
  model.on("change:message", update);
  model.on("change:count", update);
  return () => {
    model.off("change:message", update);
    model.off("change:count", update);
  };
}

// Move keyboard focus to `node` (a heading or result with tabindex="-1") and bring it into view gently.
function focusOn(node) {
  if (!node) return;
  node.focus({ preventScroll: true });
  node.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

// Show the kernel's answer to an action ({ ok, message }) in a view's polite result region: a new node,
// so the same words after a second click are read again.
function showResult(region, msg) {
  region.replaceChildren(h("p", { className: msg.ok ? "mc-note" : "mc-alert", text: msg.message }));
}

// Draw the view now and whenever its `props` change, then tell the kernel the page is here (`hello`): a
// preheated Voilà kernel reloads the view once it knows the learner (widgets/ui/base.py). `hello` may be
// a function, called after the first drawing (which may have put the learner into the address).
// Returns the cleanup for render().
function follow(model, update, hello = { action: "hello" }) {
  model.on("change:props", update);
  update();
  model.send(typeof hello === "function" ? hello() : hello);
  return () => model.off("change:props", update);
}
