// The self-check's view: renders `props` (escaped in Python by widgets/ui/selfcheck_props.py),
// keeps unsent selections in the page, and sends `check` / `retry` / `retry-all`.

// h(), uid(), speaker() and the other helpers come from dom.js, which esm() (widgets/ui/esm.py) puts
// in front of this file.

function render({ model, el }) {
  // keys pressed inside the widget are the widget's: JupyterLab's notebook shortcuts (Enter, A, B, D D,
  // arrows) must not act on the cell while a choice or a text area has focus
  const root = h("section", { className: "mc mc-selfcheck", "data-testid": "selfcheck", "data-lm-suppress-shortcuts": "true" });
  const live = h("div", { className: "mc-sr-only", "aria-live": "polite", "aria-atomic": "true", "data-testid": "announce" });
  const head = h("div");
  const notices = h("div");
  const list = h("div");
  const foot = h("div");
  root.append(head, notices, list, foot, live);
  el.append(root);

  const pending = {}; // question id -> Set of option ids chosen but not yet checked
  const blocks = {}; // question id -> { sig, node, focus: { q, result } }
  const group = uid("mc-sc");
  let lastSeq = null;

  const send = (msg) => model.send(msg);
  const say = speaker(live);

  function openQuestion(q, legendId) {
    const chosen = pending[q.id] || (pending[q.id] = new Set());
    const type = q.kind === "single" ? "radio" : "checkbox";
    const hintId = `${legendId}-hint`;
    const options = q.options.map((o) => {
      const inputId = uid("mc-opt");
      const input = h("input", { type, id: inputId, name: `${group}-${q.id}`, value: o.id,
        "data-testid": `option-${q.id}-${o.id}` });
      input.checked = chosen.has(o.id);
      input.addEventListener("change", () => {
        if (type === "radio") chosen.clear();
        if (input.checked) chosen.add(o.id); else chosen.delete(o.id);
      });
      return h("li", { className: "mc-option" }, h("label", { for: inputId }, input, h("span", { html: o.html })));
    });
    return [
      h("p", { className: "mc-hint", id: hintId, text: q.hint }),
      q.problem ? h("p", { className: "mc-alert", text: q.problem }) : null,
      h("ul", { className: "mc-options", "aria-describedby": hintId }, options),
      h("button", { type: "button", className: "mc-button mc-primary", "data-testid": `check-${q.id}`,
        onclick: () => send({ action: "check", question: q.id, selected: [...chosen] }), text: "Check my answer" }),
    ];
  }

  function answeredQuestion(q, focus) {
    const resultId = uid("mc-res");
    const result = h("p", { className: "mc-result", id: resultId, tabindex: "-1", "data-testid": `result-${q.id}` },
      h("span", { "aria-hidden": "true", text: q.correct ? "✓ " : "✗ " }), q.result);
    focus.result = result;
    const options = q.options.map((o) =>
      h("li", { className: `mc-option-result mc-${o.tone}` },
        h("p", { style: "margin:0" }, h("span", { html: o.html })),
        h("p", { className: "mc-verdict" }, h("span", { "aria-hidden": "true", text: `${o.icon} ` }), o.verdict),
        h("div", { className: "mc-explanation", html: o.explanation })));
    delete pending[q.id];
    return [
      result,
      h("ul", { className: "mc-options", "aria-label": "Every option, explained" }, options),
      h("button", { type: "button", className: "mc-button", "data-testid": `retry-${q.id}`,
        onclick: () => send({ action: "retry", question: q.id }), text: "Try this question again" }),
    ];
  }

  function questionBlock(q) {
    const legendId = uid("mc-q");
    const focus = {};
    const legend = h("legend", { id: legendId, tabindex: "-1" },
      h("span", { className: "mc-qnum", "data-testid": "question-number", text: `Question ${q.n}. ` }),
      h("span", { html: q.prompt }));
    focus.q = legend;
    const inner = q.state === "answered" ? answeredQuestion(q, focus) : openQuestion(q, legendId);
    const node = h("fieldset", { className: "mc-question", "data-testid": `question-${q.id}` }, legend, ...inner);
    return { node, focus };
  }

  function update() {
    const p = model.get("props") || {};
    if (!p.questions) return;
    if (head.dataset.title !== p.title) {
      head.dataset.title = p.title;
      const titleId = uid("mc-title");
      root.setAttribute("aria-labelledby", titleId);
      head.replaceChildren(h("p", { className: "mc-eyebrow", text: "Self-check" }),
        h("h3", { id: titleId, html: p.title }), p.intro ? h("div", { html: p.intro }) : "");
    }
    const items = [];
    if (p.error) items.push(h("p", { className: "mc-alert", role: "alert", text: p.error }));
    if (p.notice) items.push(h("p", { className: "mc-note", text: p.notice }));
    notices.replaceChildren(...items);

    // replace only the questions that changed, so selections and focus elsewhere stay put
    const order = [];
    for (const q of p.questions) {
      const sig = JSON.stringify(q);
      if (!blocks[q.id] || blocks[q.id].sig !== sig) {
        const fresh = questionBlock(q);
        if (blocks[q.id]) blocks[q.id].node.replaceWith(fresh.node);
        blocks[q.id] = { sig, ...fresh };
      }
      order.push(blocks[q.id].node);
    }
    if (list.children.length !== order.length) list.replaceChildren(...order);

    const s = p.score;
    foot.replaceChildren(
      h("p", { className: "mc-score", "data-testid": "score" },
        `Score: ${s.correct} of ${s.total} correct`, s.answered < s.total ? ` (${s.answered} answered)` : ""),
      s.answered ? h("button", { type: "button", className: "mc-button", "data-testid": "retry-all",
        onclick: () => send({ action: "retry-all" }), text: "Try all the questions again" }) : "");

    if (lastSeq !== null && p.seq > lastSeq) {
      let target = null;
      if (p.focus === "first" && p.questions.length) target = blocks[p.questions[0].id].focus.q;
      else if (p.focus.startsWith("result-")) target = blocks[p.focus.slice(7)]?.focus.result;
      else if (p.focus.startsWith("q-")) target = blocks[p.focus.slice(2)]?.focus.q;
      focusOn(target);
      if (p.announce) say(p.announce);
    }
    lastSeq = p.seq;
  }

  return follow(model, update);
}

export default { render };
