// Keeps JupyterLab's notebook shortcuts (Enter, A, B, D D, arrows) out of a view built from ipywidgets
// (widgets/ui/keys.py). Lumino checks the key press's target itself, so every control of the view gets
// the attribute, including controls drawn later; the view's root is only reachable once this widget's
// output is attached to the page, so it is looked for a few times.

const FOCUSABLE = "input, button, select, textarea, summary, [tabindex]";

function mark(root) {
  for (const node of root.querySelectorAll(FOCUSABLE)) {
    if (!node.hasAttribute("data-lm-suppress-shortcuts")) node.setAttribute("data-lm-suppress-shortcuts", "true");
  }
}

function render({ model, el }) {
  let observer = null;
  let timer = null;
  const guard = () => {
    const root = el.closest(model.get("within"));
    if (!root) return false;
    mark(root);
    observer = new MutationObserver(() => mark(root));
    observer.observe(root, { childList: true, subtree: true });
    return true;
  };
  if (!guard()) {
    let tries = 0;
    timer = setInterval(() => { if (guard() || ++tries > 100) clearInterval(timer); }, 100);
  }
  return () => {
    clearInterval(timer);
    if (observer) observer.disconnect();
  };
}

export default { render };
