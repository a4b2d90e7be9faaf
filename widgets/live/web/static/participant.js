// The participant's page of a live room (served by widgets/live/web/handlers.py).
// One websocket to the server: requests (join, rejoin, vote, tick, leave) with an id the reply repeats,
// and the room's view for this seat whenever it changes. The seat's token is kept in the address
// (?code=...&seat=...), so a reload or a reconnect comes back to the same seat. Text from the server is
// put in textContent; only the HTML fragments the server built (and escaped) go into innerHTML.
(function () {
  "use strict";
  const root = document.getElementById("mc-live");
  const $ = (id) => document.getElementById(id);
  const status = $("mc-status"), error = $("mc-error");
  const joinPanel = $("mc-join"), seatPanel = $("mc-seat"), form = $("mc-join-form");
  const codeInput = $("mc-code"), nameInput = $("mc-name"), joinBtn = $("mc-join-btn"), leaveBtn = $("mc-leave");
  const choicesBox = $("mc-choices"), checksBox = $("mc-checks");
  const PHASE_NEWS = { voting: "Choose what the mentor says." };

  let ws = null, nextId = 1, connected = false, retry = 500, everConnected = false;
  const waiting = new Map();          // request id -> callback(reply)
  let seatToken = new URLSearchParams(location.search).get("seat") || "";
  let pendingVote = null;             // a vote sent but not yet acknowledged: re-sent after a reconnect
  let state = null, lastPhase = "", lastRole = "", choiceKey = "", checkKey = "", busy = false;
  const ticking = new Set();          // checklist items whose tick is on its way

  codeInput.value = new URLSearchParams(location.search).get("code") || "";

  function say(text) { error.textContent = ""; error.hidden = true; status.textContent = text; }
  function problem(text) { error.textContent = text; error.hidden = !text; }
  function setQuery(params) {
    const url = new URL(location.href);
    url.search = new URLSearchParams(params).toString();
    if (url.href !== location.href) history.replaceState(history.state, "", url.href);
  }

  function send(op, fields, done) {
    if (!connected) { problem("Not connected to the room right now; the page is reconnecting. Try again in a moment."); if (done) done(null); return; }
    const id = nextId++;
    if (done) waiting.set(id, done);
    ws.send(JSON.stringify(Object.assign({ op: op, id: id }, fields)));
  }

  function connect() {
    const url = new URL(root.dataset.socket, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = "_xsrf=" + encodeURIComponent(root.dataset.xsrf);
    ws = new WebSocket(url.href);
    ws.onopen = () => {
      connected = true; retry = 500;
      if (everConnected) say("Connection to the room restored.");
      everConnected = true;
      enableControls();
      if (seatToken) rejoin();
    };
    ws.onmessage = (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (msg.type === "reply") {
        const done = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (done) done(msg);
      } else if (msg.type === "state") {
        render(msg);
      } else if (msg.type === "out") {
        out(msg.message, true);
      } else if (msg.type === "problem") {
        problem(msg.message);
      } else if (msg.type === "news") {
        say(msg.message);
      }
    };
    ws.onclose = () => {
      const was = connected;
      connected = false;
      for (const done of waiting.values()) done(null);
      waiting.clear();
      enableControls();
      if (was) say("Connection to the room lost; reconnecting…");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  }

  function rejoin() {
    send("rejoin", { seat: seatToken }, (reply) => {
      if (!reply) return;
      if (!reply.ok) { out(reply.error, true); return; }
      enter(reply, "Welcome back, " + reply.name + ". You are the " + reply.role + ".");
      if (pendingVote) vote(pendingVote.id, pendingVote.text);
    });
  }

  function enter(reply, news) {
    seatToken = reply.seat;
    joinPanel.hidden = true;
    seatPanel.hidden = false;
    lastPhase = ""; lastRole = ""; choiceKey = ""; checkKey = "";
    say(news);
    if (state) render(state); // the view may arrive just before the reply
  }

  function out(message, isProblem) {
    seatToken = ""; state = null; pendingVote = null;
    seatPanel.hidden = true;
    joinPanel.hidden = false;
    const code = codeInput.value.replace(/-/g, "");
    setQuery(code ? { code: code } : {});
    busy = false;
    enableControls();
    // The last status ("Reading the next step.", "Vote recorded") no longer holds once the seat is gone:
    // left beside the removal it would contradict it.
    if (isProblem) { status.textContent = ""; problem(message); } else say(message);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || seatToken) return;
    busy = true; enableControls();
    send("join", { code: codeInput.value, name: nameInput.value }, (reply) => {
      busy = false; enableControls();
      if (!reply) return;
      if (!reply.ok) { problem(reply.error); return; }
      enter(reply, "You joined as " + reply.name + ", the " + reply.role + ".");
    });
  });

  leaveBtn.addEventListener("click", () => {
    if (!seatToken) return;
    leaveBtn.disabled = true;
    send("leave", {}, (reply) => {
      leaveBtn.disabled = false;
      if (!reply) return;
      if (!reply.ok) { problem(reply.error); return; }
      out("You left the room. You can join again with the code.", false);
    });
  });

  function enableControls() {
    joinBtn.disabled = busy || !connected;
    leaveBtn.disabled = !connected;
    if (state) syncControls();
  }

  function vote(choiceId, text) {
    pendingVote = { id: choiceId, text: text };
    for (const b of choicesBox.querySelectorAll("button")) b.disabled = true;
    send("vote", { choice: choiceId }, (reply) => {
      if (!reply) return; // dropped: re-sent after the reconnect
      pendingVote = null;
      if (reply.ok) {
        if (state) { state.me.vote = reply.choice; state.me.voteText = text; }
        say("Vote recorded: " + text);
      } else {
        problem(reply.error);
      }
      syncControls();
    });
  }

  function tick(itemId, box) {
    ticking.add(itemId);
    send("tick", { item: itemId, value: box.checked }, (reply) => {
      ticking.delete(itemId);
      if (reply && !reply.ok) problem(reply.error);
      if (reply && reply.ok && state) {
        const mine = new Set(state.me.ticked);
        if (box.checked) mine.add(itemId); else mine.delete(itemId);
        state.me.ticked = [...mine];
      }
      syncControls(); // a refused tick shows the room's state again
    });
  }

  function setHTML(id, html) { const el = $(id); if (el.dataset.html !== html) { el.innerHTML = html; el.dataset.html = html; } }

  function notice(text) {
    const p = document.createElement("p");
    p.className = "mc-live-notice mc-live-info";
    p.textContent = text;
    return p;
  }

  function render(msg) {
    const r = msg.room, me = msg.me;
    state = msg;
    if (!seatToken || joinPanel.hidden === false) return;
    const code = r.code.replace(/-/g, "");
    codeInput.value = r.code;
    setQuery({ code: code, seat: seatToken });
    setHTML("mc-banner", r.banner);
    setHTML("mc-you", me.you);
    setHTML("mc-scene", r.scene);
    setHTML("mc-options", r.options);
    setHTML("mc-reveal", r.reveal);
    setHTML("mc-debrief", r.debrief);
    $("mc-debrief").hidden = !r.debrief;
    const key = r.round + "|" + r.choices.map((c) => c.id).join(",");
    if (key !== choiceKey) {
      choiceKey = key;
      choicesBox.replaceChildren();
      for (const c of r.choices) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "mc-live-choice";
        b.dataset.choice = c.id;
        b.dataset.text = c.text;
        b.addEventListener("click", () => vote(c.id, c.text));
        choicesBox.appendChild(b);
      }
    }
    choicesBox.hidden = r.choices.length === 0;
    const ckey = r.checklist.map((c) => c.id).join(",");
    if (ckey !== checkKey) {
      checkKey = ckey;
      checksBox.replaceChildren();
      for (const item of r.checklist) {
        const label = document.createElement("label");
        label.className = "mc-live-check";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.dataset.item = item.id;
        box.addEventListener("change", () => tick(item.id, box));
        const span = document.createElement("span");
        span.textContent = item.text;
        label.append(box, span);
        checksBox.appendChild(label);
      }
    }
    $("mc-checklist").hidden = r.checklist.length === 0;
    syncControls();
    const news = [];
    if (lastRole && me.role !== lastRole) news.push("The facilitator made you the " + me.role + ".");
    if (lastPhase && r.phase !== lastPhase) {
      news.push(r.phaseLabel + ".");
      if (me.kind === "decide" && PHASE_NEWS[r.phase]) news.push(PHASE_NEWS[r.phase]);
      if (r.phase === "closed") news.push("The facilitator closed the room; the debrief stays here until you leave the page.");
    }
    if (news.length) say(news.join(" "));
    lastRole = me.role; lastPhase = r.phase;
  }

  function syncControls() {
    if (!state) return;
    const r = state.room, me = state.me;
    const voting = r.phase === "voting";
    for (const b of choicesBox.querySelectorAll("button")) {
      const chosen = me.vote === b.dataset.choice;
      b.textContent = chosen ? "✓ Your vote: " + b.dataset.text : b.dataset.text;
      b.classList.toggle("mc-live-voted", chosen);
      b.setAttribute("aria-pressed", chosen ? "true" : "false");
      b.disabled = !voting || !connected || pendingVote !== null;
    }
    const note = $("mc-vote-note");
    note.replaceChildren();
    if (me.kind === "decide") {
      if (r.phase === "node") note.appendChild(notice("Listen to the lines; voting opens in a moment."));
      else if (voting) note.appendChild(notice(me.vote ? "Your vote: " + me.voteText + (/[.?!…"'”’]$/.test(me.voteText) ? "" : ".") +
        " You can change it until votes close." : "Choose what the mentor says. You can change your vote until votes close."));
      else if (r.phase === "votes-closed") note.appendChild(notice("Votes are closed; the results come next."));
    } else if (voting) {
      note.appendChild(notice("The mentors are choosing."));
    }
    const ticked = new Set(me.ticked);
    for (const box of checksBox.querySelectorAll("input[type=checkbox]")) {
      if (!ticking.has(box.dataset.item)) box.checked = ticked.has(box.dataset.item);
      box.disabled = r.phase === "lobby" || r.phase === "closed" || !connected;
    }
  }

  if (seatToken) say("Coming back to your seat…");
  else if (codeInput.value) say("Type your name and press Join.");
  enableControls();
  connect();
})();
