// Reflection drafts: a text area per prompt that saves as the mentor types (debounced, and at once
// when the field loses focus or the page is hidden), plus Markdown and assignment-notebook export.
// Prompt text arrives escaped from Python (widgets/ui/reflection_props.py); drafts are plain text
// and only ever go into a textarea's value.

const SAVE_AFTER_MS = 800;

// h(), uid(), download() and the other helpers come from dom.js, which esm() (widgets/ui/esm.py) puts
// in front of this file.

const clock = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
};
const words = (text) => (text.trim() ? text.trim().split(/\s+/).length : 0);

function render({ model, el }) {
  // keys pressed inside the widget are the widget's: JupyterLab's notebook shortcuts (Enter, A, B, D D,
  // arrows) must not act on the cell while a choice or a text area has focus
  const root = h("section", { className: "mc mc-reflection", "data-testid": "reflection", "data-lm-suppress-shortcuts": "true" });
  const head = h("div");
  const notices = h("div");
  const body = h("div");
  const tools = h("div");
  const result = h("div", { role: "status", "aria-live": "polite", "data-testid": "export-result" });
  root.append(head, notices, body, tools, result);
  el.append(root);

  let generation = null;
  const fields = {}; // prompt id -> { area, status, count, kept, timer, dirty }

  function flush(id, keepOther = false) {
    const f = fields[id];
    if (!f || !f.dirty) return;
    clearTimeout(f.timer);
    f.dirty = false;
    f.status.textContent = "Saving…";
    // keep_other: the saved text changed under the mentor's fingers (an import); keep both versions
    model.send({ action: "draft", prompt: id, text: f.area.value, keep_other: keepOther });
  }
  const flushAll = () => Object.keys(fields).forEach(flush);

  function keptBlock(kept) {
    if (!kept.length) return "";
    return h("details", { className: "mc-kept" },
      h("summary", { text: `Other versions kept (${kept.length})` }),
      h("p", { className: "mc-small", text: "Another window or an import saved a different text here. Nothing was thrown away: copy what you need." }),
      kept.map((k) => h("div", {}, h("p", { className: "mc-small", text: k.at ? `Saved ${new Date(k.at).toLocaleString()}` : "" }),
        h("pre", { text: k.text }))));
  }

  function promptBlock(p) {
    const headId = uid("mc-p");
    const textId = `${headId}-text`;
    const statusId = `${headId}-status`;
    const areaId = `${headId}-area`;
    const area = h("textarea", { id: areaId, "aria-describedby": `${textId} ${statusId}`,
      "data-testid": `draft-${p.id}`, spellcheck: "true", rows: "8" });
    area.value = p.draft;
    const status = h("p", { className: "mc-draft-status", id: statusId, "data-testid": `status-${p.id}`,
      text: p.at ? `Saved at ${clock(p.at)}.` : "Not started. Your draft saves as you type." });
    const count = h("span", { text: `${words(p.draft)} words` });
    const kept = h("div", {}, keptBlock(p.kept));
    const f = { area, status, count, kept, timer: null, dirty: false };
    fields[p.id] = f;
    area.addEventListener("input", () => {
      f.dirty = true;
      count.textContent = `${words(area.value)} words`;
      status.textContent = "Editing…";
      clearTimeout(f.timer);
      f.timer = setTimeout(() => flush(p.id), SAVE_AFTER_MS);
    });
    area.addEventListener("blur", () => flush(p.id));
    return h("section", { className: "mc-prompt", "aria-labelledby": headId },
      h("h4", { id: headId }, `${p.n}. `, h("span", { html: p.title }), h("span", { className: "mc-small", text: ` (${p.points} points)` })),
      h("div", { id: textId, className: "mc-prompt-text", html: p.text }),
      h("label", { for: areaId, className: "mc-small", text: "Your draft" }),
      area,
      h("div", { className: "mc-draft-meta" }, h("p", {}, count), status),
      kept);
  }

  function update() {
    const p = model.get("props") || {};
    if (!p.prompts) return;
    if (head.dataset.title !== p.title) {
      head.dataset.title = p.title;
      const titleId = uid("mc-title");
      root.setAttribute("aria-labelledby", titleId);
      head.replaceChildren(h("p", { className: "mc-eyebrow", text: "Reflection drafts" }),
        h("h3", { id: titleId, html: p.title }), p.intro ? h("div", { html: p.intro }) : "",
        h("p", { className: "mc-small", text: "Drafts are saved on this computer (or this course server) as you type. Your trainer grades the assignment notebook, not these drafts: when you are ready, put them into the notebook below." }));
    }
    const items = [];
    if (p.error) items.push(h("p", { className: "mc-alert", role: "alert", text: p.error }));
    if (p.notice) items.push(h("p", { className: "mc-note", text: p.notice }));
    notices.replaceChildren(...items);
    if (generation !== p.generation) {
      generation = p.generation;
      const typing = {};
      for (const [key, f] of Object.entries(fields)) {
        if (f.dirty) typing[key] = f.area.value;
        clearTimeout(f.timer);
        delete fields[key];
      }
      body.replaceChildren(...p.prompts.map(promptBlock));
      for (const [key, text] of Object.entries(typing)) {
        if (!fields[key]) continue;
        fields[key].area.value = text;  // what the mentor was typing stays on screen, and is saved
        fields[key].dirty = true;
        flush(key, true);
      }
      tools.replaceChildren(h("div", { className: "mc-actions" },
        h("button", { type: "button", className: "mc-button", "data-testid": "export-md",
          onclick: () => { flushAll(); model.send({ action: "export-md" }); }, text: "Download my drafts (Markdown)" }),
        h("button", { type: "button", className: p.assignment_exists ? "mc-button mc-primary" : "mc-button",
          "data-testid": "export-nb",
          onclick: () => { flushAll(); model.send({ action: "export-nb" }); },
          text: "Put my drafts into the assignment notebook" }),
        h("p", { className: "mc-small", text: p.assignment_exists
          ? "This makes a filled-in copy of the assignment notebook and downloads it; nothing you already have is overwritten."
          : "The assignment notebook for this module is not available yet; you can still download your drafts." })));
    }
  }

  model.on("msg:custom", (msg) => {
    if (!msg || typeof msg !== "object") return;
    const f = fields[msg.prompt];
    if (msg.type === "saved" && f) {
      f.status.textContent = f.dirty ? "Editing…" : `Saved at ${clock(msg.at)}.`;
      f.status.classList.remove("mc-alert");
      f.status.removeAttribute("role");
      f.kept.replaceChildren(keptBlock(msg.kept || []));
    } else if (msg.type === "save-error" && f) {
      f.dirty = true;
      f.status.textContent = `Not saved: ${msg.message}`;
      f.status.classList.add("mc-alert");
      f.status.setAttribute("role", "alert");
    } else if (msg.type === "download") {
      download(msg.name, msg.mime, msg.text);
    } else if (msg.type === "result") {
      showResult(result, msg);
    }
  });
  const onHide = () => { if (document.visibilityState === "hidden") flushAll(); };
  document.addEventListener("visibilitychange", onHide);
  const stop = follow(model, update);
  return () => {
    flushAll();
    document.removeEventListener("visibilitychange", onHide);
    stop();
  };
}

export default { render };
