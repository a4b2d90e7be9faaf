// The module header and the course overview (props built and escaped in widgets/ui/status_props.py),
// with the saved-work panel: download and import the progress file, an optional name, and on a
// shared server the personal link (kept in the address bar so a reload finds the same progress).

const MAX_IMPORT_BYTES = 5_000_000;
// This browser's learner id on a shared server, so a page opened without ?learner= (from the landing
// page, say) finds the same progress. Stored only in this browser.
const REMEMBER_KEY = "mentor-course-learner";

function remembered() {
  try {
    return window.localStorage.getItem(REMEMBER_KEY) || "";
  } catch {
    return "";
  }
}

function remember(id) {
  try {
    window.localStorage.setItem(REMEMBER_KEY, id);
  } catch {
    // storage refused (private mode): the personal link still works
  }
}

// h(), uid(), download() and the other helpers come from dom.js, which esm() (widgets/ui/esm.py) puts
// in front of this file.

function personalLink(id) {
  const url = new URL(window.location.href);
  url.searchParams.set("learner", id);
  url.hash = "";
  return url;
}

// Another module's page: this page's address with its path below modules/ (``depth`` folders and the
// notebook) replaced by <module>/module.ipynb. Works for Voilà's /voila/render/<...> and JupyterLab's
// /lab/tree/modules/<...>; the query (the learner's id) is kept.
function moduleHref(moduleId, depth) {
  const url = new URL(window.location.href);
  const parts = url.pathname.split("/");
  if (!parts[parts.length - 1].endsWith(".ipynb") || parts.length < depth + 2) return null;
  url.pathname = [...parts.slice(0, parts.length - 1 - depth), encodeURIComponent(moduleId), "module.ipynb"].join("/");
  url.hash = "";
  return url.toString();
}

// Only these schemes become links; anything else is shown as text (packs are validated, but a link
// is the one place a wrong value could act).
function safeHref(href) {
  return /^(https?:\/\/|tel:|sms:)/.test(href || "") ? href : null;
}

// Why this region is shown, in words (widgets/content/resources.py choose_region).
const WHY = { learner: "your choice", server: "set by this course's server", course: "set for this course" };

// The "Resources for your region" box (props from widgets/content/resources.py pack_props): the region
// and a control to change it, the emergency number and crisis line at once, every other role in a
// disclosure. Every value is put in as text; unverified entries say so in words.
function resourcesBox(r, send) {
  const headId = uid("mc-res");
  const pickId = uid("mc-res-pick");
  const selectId = uid("mc-res-sel");
  const entry = (e) => {
    if (e.absent) {
      return h("li", { "data-testid": `resource-${e.role}` },
        h("span", { className: "mc-res-title", text: `${e.title}: ` }),
        h("span", { text: `not available here. ${e.absent}` }),
        e.see ? h("span", { text: ` See: ${e.see}.` }) : "");
    }
    const ways = e.ways.map((w) => {
      const href = safeHref(w.href);
      return h("span", { className: "mc-res-way" }, `${w.label} `,
        href ? h("a", { href, text: w.value, rel: "noopener", target: w.kind === "chat" || w.kind === "web" ? "_blank" : null })
          : h("span", { text: w.value }));
    });
    const sep = (list) => list.flatMap((x, i) => (i ? ["; ", x] : [x]));
    return h("li", { "data-testid": `resource-${e.role || "directory"}` },
      e.title ? h("span", { className: "mc-res-title", text: `${e.title}: ` }) : "",
      h("strong", { text: e.name }),
      e.unverified ? h("span", { className: "mc-res-unverified", "data-testid": "resource-unverified", text: ` (${e.unverified})` }) : "",
      ways.length ? h("span", {}, " — ", sep(ways)) : "",
      h("span", { className: "mc-small mc-res-meta" }, `${e.serves}. Languages: ${e.languages}. Hours: ${e.hours}.`,
        e.note ? ` ${e.note}` : "", " ",
        safeHref(e.source) ? h("a", { href: e.source, target: "_blank", rel: "noopener", text: "Source" }) : "Source",
        ` (checked ${e.checked}${e.source_date ? `; page dated ${e.source_date}` : ""}).`));
  };
  const first = r.roles.filter((e) => e.role === "emergency" || e.role === "crisis_line");
  const rest = r.roles.filter((e) => !(e.role === "emergency" || e.role === "crisis_line"));
  const select = h("select", { id: selectId, "data-testid": "region-select" },
    r.regions.map((g) => h("option", { value: g.code, selected: g.code === r.region, text: g.name })));
  const picker = h("div", { id: pickId, className: "mc-field", hidden: true, "data-testid": "region-picker" },
    h("label", { for: selectId, text: "Show resources for: " }), select,
    h("button", { type: "button", className: "mc-button", "data-testid": "region-apply", text: "Show these resources",
      onclick: () => send({ action: "region", region: select.value }) }));
  const change = h("button", { type: "button", className: "mc-button mc-res-change", "aria-expanded": "false",
    "aria-controls": pickId, "data-testid": "region-change", text: "change" });
  change.addEventListener("click", () => {
    const open = picker.hidden;
    picker.hidden = !open;
    change.setAttribute("aria-expanded", String(open));
    if (open) select.focus();
  });
  return h("section", { className: "mc-resources", "aria-labelledby": headId, "data-testid": "resources-box" },
    h("h2", { id: headId, className: "mc-res-heading", text: "Resources for your region" }),
    h("p", { "data-testid": "resources-region" }, "Resources shown for: ", h("strong", { text: r.name || "no region" }),
      WHY[r.why] ? h("span", { className: "mc-small", text: ` (${WHY[r.why]})` }) : "",
      " ", r.regions.length > 1 ? change : ""),
    picker,
    r.intro ? h("p", { className: "mc-small", text: r.intro }) : "",
    h("ul", { className: "mc-res-list" }, first.map(entry)),
    rest.length || r.directories.length ? h("details", { className: "mc-details", "data-testid": "resources-more" },
      // with no region chosen the pack's name is "No region chosen": "More resources for No region chosen" reads badly
      h("summary", { text: `More resources${r.region === "generic" ? "" : ` for ${r.name}`}: reporting a concern, domestic violence, forced marriage, finding a therapist` }),
      h("ul", { className: "mc-res-list" }, rest.map(entry)),
      r.directories.length ? [h("p", { className: "mc-small", text: "Directories:" }),
        h("ul", { className: "mc-res-list" }, r.directories.map(entry))] : "") : "",
    h("p", { className: "mc-small", text: "In an emergency, follow your programme's protocol and call emergency services first." }));
}

function render({ model, el }) {
  // keys pressed inside the widget are the widget's: JupyterLab's notebook shortcuts (Enter, A, B, D D,
  // arrows) must not act on the cell while a choice or a text area has focus
  const root = h("section", { className: "mc", "data-lm-suppress-shortcuts": "true" });
  const main = h("div");
  const link = h("div");
  const panel = h("div");
  const box = h("div");
  const result = h("div", { role: "status", "aria-live": "polite", "data-testid": "progress-result" });
  root.append(main, box, link, panel, result);
  let boxKey = null;
  el.append(root);
  let panelKey = null;
  let linkedId = null;

  function savedWorkPanel(p) {
    const fileId = uid("mc-file");
    const nameId = uid("mc-name");
    const file = h("input", { type: "file", id: fileId, className: "mc-file-input", accept: ".json,application/json",
      "data-testid": "import-file" });
    file.addEventListener("change", async () => {
      const chosen = file.files && file.files[0];
      file.value = "";
      if (!chosen) return;
      if (chosen.size > MAX_IMPORT_BYTES) {
        result.replaceChildren(h("p", { className: "mc-alert", text: "Nothing was imported: that file is far too large to be a progress file." }));
        return;
      }
      result.replaceChildren(h("p", { className: "mc-note", text: `Importing ${chosen.name}…` }));
      model.send({ action: "import", name: chosen.name, text: await chosen.text() });
    });
    const name = h("input", { type: "text", id: nameId, value: p.learner.name || "", autocomplete: "name",
      "data-testid": "learner-name" });
    return h("details", { className: "mc-details", "data-testid": "saved-work" },
      h("summary", { text: "Your saved work: download, import, name" }),
      h("p", { className: "mc-small", text: p.learner.where }),
      p.learner.link && !p.learner.generated ? linkBox(p.learner.id) : "",
      h("div", { className: "mc-actions" },
        h("button", { type: "button", className: "mc-button", "data-testid": "export-progress",
          onclick: () => model.send({ action: "export" }), text: "Download my progress (.json)" }),
        file,
        h("label", { for: fileId, className: "mc-file-label", text: "Import a progress file" })),
      h("p", { className: "mc-small", text: "Importing adds what the file holds to your progress here; nothing is lost, and a copy of your progress from before the import is kept." }),
      h("div", { className: "mc-field" },
        h("label", { for: nameId, text: "Your name on exported drafts (optional):" }),
        name,
        h("button", { type: "button", className: "mc-button", "data-testid": "save-name",
          onclick: () => model.send({ action: "name", name: name.value }), text: "Save name" })));
  }

  function linkBox(id) {
    const url = personalLink(id).toString();
    const copy = h("button", { type: "button", className: "mc-button", text: "Copy link" });
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url);
        copy.textContent = "Copied";
      } catch {
        copy.textContent = "Select the link and copy it";
      }
    });
    return h("div", { className: "mc-link-box", "data-testid": "personal-link" },
      h("span", { text: "Your personal link:" }), h("a", { href: url, text: url }), copy);
  }

  function headerMain(p) {
    const headId = uid("mc-h");
    root.setAttribute("aria-labelledby", headId);
    root.className = "mc mc-header";
    root.setAttribute("data-testid", "module-header");
    const items = p.items.map((i) =>
      h("li", { className: i.done ? "mc-done" : "" },
        h("span", { className: "mc-mark", "aria-hidden": "true", text: i.icon }),
        h("span", {}, h("span", { html: i.label }), ": ", h("span", { className: "mc-state", text: i.state }),
          i.detail ? h("span", { className: "mc-small", text: ` (${i.detail})` }) : "")));
    const minutes = p.minutes ? ` · about ${p.minutes} minutes` : "";
    return [
      h("p", { className: "mc-eyebrow", text: `Your progress in this module${minutes}` }),
      h("h2", { id: headId, className: "mc-sr-only", text: "Your progress in this module" }),
      h("p", { className: "mc-score", "data-testid": "module-state" },
        h("span", { "aria-hidden": "true", text: `${p.state_icon} ` }), p.state_label,
        p.part_count ? `: ${p.done_count} of ${p.part_count} parts done` : ""),
      items.length ? h("ul", { className: "mc-status" }, items) : h("p", { text: "This module has no activities yet." }),
      p.done_means ? h("p", { className: "mc-small", "data-testid": "done-means", text: p.done_means }) : "",
      tracksLine(p.tracks),
    ];
  }

  // "Core: 3 of 5 done · Electives: 1 of 6 done" (a module counts once all its parts are done).
  function tracksLine(tracks) {
    if (!tracks || !tracks.length) return "";
    const parts = [];
    tracks.forEach((t, k) => {
      if (k) parts.push(" · ");
      parts.push(h("span", { "data-testid": `track-${t.id}`, className: t.current ? "mc-current-track" : "",
        html: t.label }));
    });
    return h("p", { className: "mc-tracks", "data-testid": "track-progress" }, ...parts);
  }

  function overviewMain(p) {
    const headId = uid("mc-o");
    root.setAttribute("aria-labelledby", headId);
    root.className = "mc mc-overview";
    root.setAttribute("data-testid", "course-overview");
    const rows = p.modules.map((m) => {
      const href = moduleHref(m.id, p.depth ?? 1);
      const title = h("span", { html: `${m.n}. ${m.title}` });
      return h("tr", { "data-testid": `overview-${m.id}` },
        h("th", { scope: "row" }, href ? h("a", { href }, title) : title,
          m.minutes ? h("span", { className: "mc-small", text: ` (about ${m.minutes} min)` }) : ""),
        h("td", { "data-label": "Status" }, h("span", { "aria-hidden": "true", text: `${m.state_icon} ` }), m.state_label),
        h("td", { "data-label": "Scenarios", text: m.scenarios }),
        h("td", { "data-label": "Self-check", text: m.selfcheck }),
        h("td", { "data-label": "Reflection", text: m.reflection }));
    });
    return [
      h("p", { className: "mc-eyebrow", text: "Course overview" }),
      h("h2", { id: headId, html: p.title, style: "font-size:1.3rem;margin:.1rem 0 .4rem" }),
      h("p", { className: "mc-score", text: `${p.done} of ${p.total} modules done.` }),
      tracksLine(p.tracks),
      h("div", { className: "mc-table-wrap" }, h("table", {},
        h("caption", { className: "mc-sr-only", text: "Each module and what you have done in it" }),
        h("thead", {}, h("tr", {}, ["Module", "Status", "Scenarios", "Self-check", "Reflection"].map((t) =>
          h("th", { scope: "col", text: t })))),
        h("tbody", {}, rows))),
    ];
  }

  function update() {
    const p = model.get("props") || {};
    if (!p.kind) return;
    const resKey = JSON.stringify(p.resources || null);
    if (resKey !== boxKey) {
      // rebuilt only when the region or its pack changed, so an open picker keeps its focus
      boxKey = resKey;
      box.replaceChildren(p.resources ? resourcesBox(p.resources, (m) => model.send(m)) : "");
    }
    if (p.kind === "resources") {
      root.className = "mc mc-resources-only";
      return;
    }
    const notes = [
      p.error ? h("p", { className: "mc-alert", role: "alert", text: p.error }) : "",
      ...(p.notices || []).map((n) => h("p", { className: "mc-note", role: "status", text: n })),
    ];
    if (p.learner.link && linkedId !== p.learner.id) {
      linkedId = p.learner.id;
      remember(p.learner.id);
      link.replaceChildren();
      const url = personalLink(p.learner.id);
      if (new URL(window.location.href).searchParams.get("learner") !== p.learner.id) {
        // keep the id in the address bar: a reload or a bookmark then comes back to this progress
        window.history.replaceState(window.history.state, "", url.toString());
      }
      if (p.learner.generated) {
        link.replaceChildren(h("div", { className: "mc-note" },
          h("p", { text: "Welcome. Your progress on this server is kept under a pseudonymous id. Bookmark this page or keep the link below to come back to it later." }),
          linkBox(p.learner.id)));
      }
    }
    main.replaceChildren(...(p.kind === "header" ? headerMain(p) : overviewMain(p)), ...notes);
    // rebuild the panel only when its content changes, so a half-typed name or focus is not lost
    const key = JSON.stringify({ ...p.learner, name: null });
    if (key !== panelKey) {
      panelKey = key;
      panel.replaceChildren(savedWorkPanel(p));
    }
  }

  model.on("msg:custom", (msg) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "download") download(msg.name, msg.mime, msg.text);
    else if (msg.type === "result") showResult(result, msg);
  });
  // the hello carries the learner this browser remembers, for a page opened without one (read after the
  // first drawing, which may have put the learner into the address)
  return follow(model, update, () => {
    const inAddress = new URL(window.location.href).searchParams.get("learner");
    return { action: "hello", learner: inAddress ? "" : remembered() };
  });
}

export default { render };
