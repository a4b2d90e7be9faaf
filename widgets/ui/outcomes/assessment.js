// The self-assessment form. It only renders `props` (built and escaped in Python by
// widgets/outcomes/form.py) and sends back what the mentor chose; Python saves it and sends new props.
// The DOM is built once per structure and then updated in place, so a save never moves keyboard focus.

// h(), uid() and speaker() come from dom.js, which esm() (widgets/ui/esm.py) puts in front of this file.
// Only strings escaped in Python go in as `html`; every other value is text or an attribute.

function structureKey(p) {
  return JSON.stringify([p.phase, p.scale.map((s) => s.value), p.groups.map((g) => [g.id, g.items.map((i) => i.id)])]);
}

function build(el, model, p, id) {
  el.replaceChildren();
  const root = h("section", { class: "mc-assess", "aria-labelledby": `${id}-title`, "data-testid": "assessment" });
  root.append(h("h2", { id: `${id}-title`, html: p.title }));
  root.append(h("div", { class: "mc-intro", html: p.intro }));
  const notices = h("div", { class: "mc-notices" });
  root.append(notices);
  root.append(h("p", { class: "mc-stem", "aria-hidden": "true", html: p.stem }));
  const refs = { radios: new Map(), notices };

  for (const g of p.groups) {
    const section = h("section", { class: "mc-group", "aria-labelledby": `${id}-${g.id}` });
    section.append(h("h3", { id: `${id}-${g.id}`, html: g.title }));
    if (g.description) section.append(h("p", { class: "mc-desc", html: g.description }));
    for (const item of g.items) {
      const fs = h("fieldset", { class: "mc-item", "data-item": item.id });
      const legend = h("legend");
      legend.append(h("span", { class: "mc-sr", html: p.stem + " " }));
      legend.append(h("span", { html: item.html }));
      fs.append(legend);
      const scale = h("div", { class: "mc-scale" });
      const name = `${id}-${item.id}`;
      const inputs = [];
      const options = [...p.scale.map((s) => ({ value: String(s.value), num: String(s.value), anchor: s.anchor })),
                       { value: "not-sure", num: p.not_sure, anchor: "" }];
      for (const opt of options) {
        const label = h("label", { class: opt.value === "not-sure" ? "mc-opt mc-notsure" : "mc-opt" });
        const input = h("input", { type: "radio", name, value: opt.value });
        input.addEventListener("change", () => {
          if (!input.checked) return;
          const rating = opt.value === "not-sure" ? null : Number(opt.value);
          model.send({ type: "rate", item: item.id, rating });
        });
        label.append(input);
        label.append(h("span", { class: "mc-num", html: opt.num }));
        if (opt.anchor) label.append(h("span", { class: "mc-anchor", html: opt.anchor }));
        scale.append(label);
        inputs.push(input);
      }
      refs.radios.set(item.id, inputs);
      fs.append(scale);
      section.append(fs);
    }
    root.append(section);
  }

  const goal = h("section", { class: "mc-goal", "aria-labelledby": `${id}-goal-h` });
  goal.append(h("h3", { id: `${id}-goal-h`, html: p.goal.prompt }));
  const label = h("label", { for: `${id}-goal`, html: p.goal.prompt });
  label.classList.add("mc-sr");
  goal.append(label);
  if (p.goal.hint) goal.append(h("p", { id: `${id}-goal-hint`, class: "mc-desc", html: p.goal.hint }));
  const area = h("textarea", { id: `${id}-goal`, rows: 4, "aria-describedby": p.goal.hint ? `${id}-goal-hint` : null });
  area.value = p.goal.text;
  area.dataset.rev = String(p.goal.rev);
  area.dataset.dirty = "";
  const save = h("button", { type: "button", class: "mc-button", text: "Save what I wrote" });
  const sendGoal = () => {
    if (!area.dataset.dirty) return;
    area.dataset.dirty = "";
    model.send({ type: "goal", text: area.value, base_rev: Number(area.dataset.rev) });
  };
  let timer = null;
  area.addEventListener("input", () => {
    area.dataset.dirty = "1";
    clearTimeout(timer);
    timer = setTimeout(sendGoal, 1500); // save while typing, without a save per keystroke
  });
  area.addEventListener("blur", sendGoal);
  save.addEventListener("click", () => { area.dataset.dirty = "1"; sendGoal(); });
  goal.append(area, h("div", { class: "mc-actions" }));
  goal.lastChild.append(save);
  root.append(goal);

  const footer = h("div", { class: "mc-footer" });
  const progress = h("p", { class: "mc-progress" });
  const status = h("p", { class: "mc-status", role: "status", "aria-live": "polite" });
  const error = h("p", { class: "mc-error", role: "alert" });
  footer.append(progress, status, error);
  root.append(footer);
  Object.assign(refs, { area, progress, status, say: speaker(status), error, seq: -1 });
  el.append(root);
  return refs;
}

function update(refs, p) {
  for (const g of p.groups) {
    for (const item of g.items) {
      const inputs = refs.radios.get(item.id) || [];
      const want = !item.answered ? "" : item.value === null ? "not-sure" : String(item.value);
      for (const input of inputs) input.checked = input.value === want;
    }
  }
  if (document.activeElement !== refs.area && !refs.area.dataset.dirty) refs.area.value = p.goal.text;
  refs.area.dataset.rev = String(p.goal.rev);
  refs.progress.textContent = p.progress;
  refs.notices.replaceChildren(...p.notices.map((n) => h("p", { class: "mc-notice", role: "note", html: n })));
  if (p.seq !== refs.seq) {
    // A new message: speaker() clears first, so the same words ("Saved.") are announced again.
    refs.say(p.status);
    refs.seq = p.seq;
  }
  refs.error.textContent = p.error;
}

export default {
  render({ model, el }) {
    const id = uid("mc-a");
    let key = null;
    let refs = null;
    const draw = () => {
      const p = model.get("props");
      if (!p || !p.groups) { el.textContent = (p && p.error) || ""; return; }
      const k = structureKey(p);
      if (k !== key) { refs = build(el, model, p, id); key = k; }
      update(refs, p);
    };
    model.on("change:props", draw);
    draw();
    return () => model.off("change:props", draw);
  },
};
