// The scenario player's view. It renders the `props` trait (built and escaped in Python by
// widgets/ui/player_props.py) and sends back what the mentor did; it never decides branching.
// Strings ending in `html` were escaped in Python; everything else goes in through textContent.

// h(), uid(), speaker() and the other helpers come from dom.js, which esm() (widgets/ui/esm.py) puts
// in front of this file.

function transcriptItem(entry, ids) {
  if (entry.kind === "narration") {
    return h("li", { className: "mc-entry mc-narration", "data-k": entry.k },
      h("p", { className: "mc-sr-only", text: "Narration:" }), h("p", { html: entry.html }));
  }
  if (entry.kind === "line") {
    return h("li", { className: entry.cont ? "mc-entry mc-line mc-cont" : "mc-entry mc-line", "data-k": entry.k },
      h("p", { className: entry.cont ? "mc-speaker mc-sr-only" : "mc-speaker", html: entry.name }),
      h("div", { className: "mc-bubble", html: entry.html }));
  }
  if (entry.kind === "mentor") {
    return h("li", { className: "mc-entry mc-mentor", "data-k": entry.k },
      h("p", { className: "mc-speaker", text: "You said" }),
      h("div", { className: "mc-bubble", html: entry.html }));
  }
  // feedback
  const headId = uid("mc-fb");
  const deltas = (entry.deltas || []).map((d) =>
    h("li", { className: `mc-delta mc-delta-${d.direction}` },
      h("span", { className: "mc-delta-points", text: d.text }), " ",
      h("span", { text: d.title }),
      h("span", { className: "mc-sr-only", text: ` (${d.direction})` })));
  const item = h("li", {
      className: `mc-entry mc-feedback mc-q-${entry.quality}`, "data-k": entry.k,
      "data-testid": "feedback", "aria-labelledby": headId,
    },
    h("p", { className: "mc-fb-head", id: headId },
      h("span", { className: "mc-icon", "aria-hidden": "true", text: entry.icon }), " ",
      h("strong", { className: "mc-quality", text: entry.label }),
      h("span", { className: "mc-sr-only", text: `, feedback on your choice ${entry.step}` })),
    deltas.length
      ? h("ul", { className: "mc-deltas", "aria-label": "Points for this choice" }, deltas)
      : h("p", { className: "mc-deltas-none", text: "No change in points." }),
    h("div", { className: "mc-fb-text", html: entry.html }));
  if (entry.latest) ids.latestFeedback = item;
  return item;
}

function endingSection(ending, send, ids) {
  const headId = uid("mc-end");
  const heading = h("h4", { id: headId, tabindex: "-1", className: "mc-ending-title", "data-testid": "ending-title" },
    h("span", { className: "mc-eyebrow-inline", text: "Ending: " }), h("span", { html: ending.title }));
  ids.ending = heading;
  const rows = ending.totals.map((t) =>
    h("tr", {}, h("th", { scope: "row", text: t.title }), h("td", { text: t.yours }), h("td", { text: t.strongest })));
  const pathList = (items, withQuality) => h("ol", { className: "mc-path" }, items.map((c) =>
    h("li", {},
      h("span", { html: c.html }),
      withQuality ? h("span", { className: `mc-path-q mc-q-${c.quality}` },
        h("span", { "aria-hidden": "true", text: ` ${c.icon} ` }), h("span", { text: c.label })) : null)));
  const comparison = ending.same_as_strongest
    ? h("p", { className: "mc-same", text: "You took the strongest path: the best response at every point." })
    : h("div", { className: "mc-paths" },
        h("div", {}, h("h6", { text: "Your choices" }), pathList(ending.yours, true)),
        h("div", {}, h("h6", { text: "The strongest path" }), pathList(ending.strongest, false),
          h("p", { className: "mc-small" }, "It ends with: ", h("span", { html: ending.strongest_ending }))));
  const debrief = ending.debrief.length
    ? [h("h5", { text: "To think about" }), h("ul", { className: "mc-debrief" }, ending.debrief.map((p) => h("li", { html: p })))]
    : [];
  return h("section", { className: `mc-ending mc-end-${ending.kind}`, "aria-labelledby": headId, "data-testid": "ending" },
    heading,
    h("p", { className: "mc-kind" }, h("span", { text: "Kind of ending: " }), h("strong", { text: ending.kind_label })),
    h("div", { className: "mc-ending-text", html: ending.html }),
    h("h5", { text: "Your points" }),
    h("div", { className: "mc-table-wrap" },
      h("table", { className: "mc-totals", "data-testid": "totals" },
        h("caption", { className: "mc-sr-only", text: "Points per competency: yours and the strongest path's" }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Competency" }), h("th", { scope: "col", text: "You" }),
          h("th", { scope: "col", text: "Strongest path" }))),
        h("tbody", {}, rows))),
    h("h5", { text: "Your path and the strongest path" }),
    comparison,
    ...debrief,
    h("div", { className: "mc-actions" },
      h("button", { type: "button", className: "mc-button mc-primary", "data-testid": "play-again",
        onclick: () => send({ action: "restart" }), text: "Play again" }),
      h("button", { type: "button", className: "mc-button", "data-testid": "different-path",
        "aria-describedby": `${headId}-back`, onclick: () => send({ action: "back" }), text: "Try a different path" }),
      h("p", { id: `${headId}-back`, className: "mc-small", text: "Go back to your last choice and choose another." })));
}

function render({ model, el }) {
  // keys pressed inside the widget are the widget's: JupyterLab's notebook shortcuts (Enter, A, B, D D,
  // arrows) must not act on the cell while a choice or a text area has focus
  const root = h("section", { className: "mc mc-player", "data-testid": "player", "data-lm-suppress-shortcuts": "true" });
  const live = h("div", { className: "mc-sr-only", "aria-live": "polite", "aria-atomic": "true", "data-testid": "announce" });
  const head = h("div");
  const notices = h("div");
  const body = h("div");
  root.append(head, notices, body, live);
  el.append(root);

  let lastSeq = null;
  let shown = { history: null, phase: null, count: 0, html: [] };
  let list = null;
  let waiting = null;
  let ids = {};
  // A choice shown before the kernel's reply (see showAtOnce): which step, and whether focus moved.
  let early = null;

  const send = (msg) => {
    root.setAttribute("aria-busy", "true");
    root.querySelectorAll("button").forEach((b) => b.setAttribute("aria-disabled", "true"));
    clearTimeout(waiting);
    waiting = setTimeout(() => {
      notices.replaceChildren(h("p", { className: "mc-note", role: "status",
        text: "Still waiting for the course to respond. If nothing happens, reload the page: your progress is saved." }));
      root.querySelectorAll("button").forEach((b) => b.removeAttribute("aria-disabled"));
    }, 8000);
    model.send(msg);
  };
  const say = speaker(live);
  const guarded = (fn) => (event) => {
    if (event.currentTarget.getAttribute("aria-disabled") === "true") return;
    fn(event);
  };

  function renderHead(p) {
    if (head.dataset.title === p.title) return;
    head.dataset.title = p.title;
    const titleId = uid("mc-title");
    root.setAttribute("aria-labelledby", titleId);
    const cast = p.characters.length
      ? h("ul", { className: "mc-cast", "aria-label": "Who is in this conversation" }, p.characters.map((c) =>
          h("li", {}, h("strong", { html: c.name }), c.facts ? h("span", { html: ` (${c.facts})` }) : null,
            c.context ? h("span", { html: `. ${c.context}` }) : null)))
      : null;
    head.replaceChildren(h("header", { className: "mc-head" },
      h("p", { className: "mc-eyebrow", text: "Scenario" }),
      h("h3", { id: titleId, className: "mc-title", html: p.title }),
      h("p", { className: "mc-summary", html: p.summary }), cast));
  }

  function renderNotices(p) {
    const items = [];
    if (p.error) items.push(h("p", { className: "mc-alert", role: "alert", text: p.error }));
    if (p.notice) items.push(h("p", { className: "mc-note", role: "status", text: p.notice }));
    notices.replaceChildren(...items);
  }

  function renderWarning(p) {
    const headId = uid("mc-cw");
    const button = h("button", { type: "button", className: "mc-button mc-primary", "data-testid": "continue",
      onclick: guarded(() => send({ action: "continue" })), text: "Continue to the scenario" });
    body.replaceChildren(h("div", { className: "mc-warning", role: "region", "aria-labelledby": headId },
      h("h4", { id: headId }, h("span", { "aria-hidden": "true", text: "⚠ " }), "Content note"),
      h("p", { text: "This scenario includes:" }),
      h("ul", {}, p.warnings.map((w) => h("li", { html: w }))),
      h("p", { text: "Take it at your own pace; you can stop at any point and come back later. Your place is saved." }),
      button));
    shown = { history: null, phase: "warning", count: 0, html: [] };
  }

  function choicesBlock(p) {
    const headId = uid("mc-ch");
    const heading = h("h4", { id: headId, tabindex: "-1", className: "mc-choices-title", text: "What do you say?" });
    ids.choices = heading;
    return h("div", { className: "mc-choices", role: "group", "aria-labelledby": headId, "data-testid": "choices" },
      heading,
      h("ul", { className: "mc-choice-list" }, p.choices.map((c) =>
        h("li", {}, h("button", { type: "button", className: "mc-choice", "data-choice": c.id,
          "data-testid": `choice-${c.id}`, html: c.html,
          onclick: guarded(() => {
            send({ action: "choose", choice: c.id, at: p.at });
            showAtOnce(p, c);
          }) })))),
      p.at > 0 ? h("p", { className: "mc-restart" },
        h("button", { type: "button", className: "mc-button mc-quiet", "data-testid": "start-over",
          onclick: guarded(() => send({ action: "restart" })), text: "Start this scenario again" })) : null);
  }

  function renderPlay(p) {
    // (the same choices can come back with other words: another region's resources fill the text)
    const sameRun = shown.phase !== "warning" && shown.history !== null
      && p.history.length >= shown.history.length
      && shown.history.every((cid, i) => p.history[i] === cid)
      && shown.html.every((html, i) => p.transcript[i] !== undefined && p.transcript[i].html === html);
    ids = {};
    if (!sameRun || !list) {
      const convId = uid("mc-conv");
      const convHead = h("h4", { id: convId, tabindex: "-1", className: "mc-conv-title", text: "The conversation" });
      list = h("ol", { className: "mc-transcript", "aria-labelledby": convId, "data-testid": "transcript" });
      ids.start = convHead;
      ids.transcriptHead = convHead;
      body.replaceChildren(convHead, list, h("div", { className: "mc-after" }));
      shown.count = 0;
    } else {
      ids.start = body.querySelector(".mc-conv-title");
    }
    // the transcript only grows within a run: add the new entries, keep the old ones in place
    const latestK = p.transcript.filter((e) => e.latest).map((e) => String(e.k))[0];
    // (only older feedback loses its tabindex: taking it from the focused one would drop the focus)
    list.querySelectorAll(".mc-feedback[tabindex]").forEach((n) => {
      if (n.dataset.k !== latestK) n.removeAttribute("tabindex");
    });
    for (const entry of p.transcript.slice(shown.count)) list.append(transcriptItem(entry, ids));
    if (!ids.latestFeedback && latestK !== undefined) ids.latestFeedback = list.querySelector(`[data-k="${latestK}"]`);
    if (ids.latestFeedback) ids.latestFeedback.setAttribute("tabindex", "-1");
    shown = { history: p.history.slice(), phase: p.phase, count: p.transcript.length,
      html: p.transcript.map((e) => e.html) };
    const after = body.querySelector(".mc-after");
    after.replaceChildren(p.phase === "ended" ? endingSection(p.ending, send, ids) : choicesBlock(p));
  }

  // The mentor's words and the feedback of a choice do not depend on where the conversation goes, and
  // the kernel sent them with the options (exactly as its transcript will hold them): show them at
  // once, move focus and announce. The kernel's reply then adds what follows; if it disagrees (a stale
  // page), the transcript is rebuilt from the reply.
  function showAtOnce(p, c) {
    if (!list || shown.count !== c.then[0].k) return;
    list.querySelectorAll(".mc-feedback[tabindex]").forEach((n) => n.removeAttribute("tabindex"));
    const made = {};
    for (const entry of c.then) list.append(transcriptItem(entry, made));
    shown = { history: [...p.history, c.id], phase: p.phase, count: shown.count + c.then.length,
      html: [...shown.html, ...c.then.map((e) => e.html)] };
    ids.latestFeedback = made.latestFeedback;
    if (ids.latestFeedback) ids.latestFeedback.setAttribute("tabindex", "-1");
    early = { at: p.at + 1, focused: !c.ends };
    if (!c.ends) {  // an ending moves focus to itself when the reply comes
      moveFocus("feedback");
      say(c.announce);
    }
  }

  function moveFocus(target) {
    focusOn({ feedback: ids.latestFeedback, ending: ids.ending, choices: ids.choices, start: ids.start }[target]);
  }

  function update() {
    const p = model.get("props") || {};
    if (!p.phase) return;
    clearTimeout(waiting);
    root.removeAttribute("aria-busy");
    renderHead(p);
    renderNotices(p);
    if (p.phase === "warning") renderWarning(p);
    else renderPlay(p);
    const alreadyShown = early && early.focused && p.focus === "feedback" && p.at === early.at;
    early = null;
    if (lastSeq !== null && p.seq > lastSeq && !alreadyShown) {
      moveFocus(p.focus);
      if (p.announce) say(p.announce);
    }
    lastSeq = p.seq;
  }

  const stop = follow(model, update);
  return () => {
    clearTimeout(waiting);
    stop();
  };
}

export default { render };
