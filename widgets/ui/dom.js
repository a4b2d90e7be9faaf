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

let counter = 0;
const uid = (prefix) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
