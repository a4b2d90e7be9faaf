// One criterion's levels as a native radio group (widgets/ui/grading/view.py LevelPicker): a <fieldset>
// whose <legend> names the criterion, so screen readers announce "Emotions, radio group" and the arrow
// keys move between levels. h() and uid() come from dom.js, which esm() (widgets/ui/esm.py) puts in front.

function render({ model, el }) {
  const name = uid("mc-level");
  const legend = h("legend");
  const hint = h("div", { className: "mc-level-hint", id: `${name}-hint` });
  const list = h("div");
  const fieldset = h("fieldset", { className: "mc-level-picker", "aria-describedby": hint.id }, legend, hint, list);
  const draw = () => {
    legend.textContent = model.get("legend");
    hint.textContent = model.get("hint");
    hint.hidden = !model.get("hint");
    list.replaceChildren();
    for (const opt of model.get("options")) {
      // h() marks the input with data-lm-suppress-shortcuts: JupyterLab 4 (Lumino) then matches no
      // shortcut on its key presses, so the arrow keys choose a level instead of moving the notebook's
      // cell selection, and letters never add or cut cells.
      const input = h("input", { type: "radio", name, value: opt.value });
      input.checked = model.get("value") === opt.value;
      input.disabled = model.get("disabled");
      input.addEventListener("change", () => {
        if (input.checked) { model.set("value", opt.value); model.save_changes(); }
      });
      list.append(h("label", {}, input, ` ${opt.label}`));
    }
  };
  const sync = () => {
    for (const input of list.querySelectorAll("input")) {
      input.checked = model.get("value") === input.value;
      input.disabled = model.get("disabled");
    }
  };
  model.on("change:options change:legend change:hint", draw);
  model.on("change:value change:disabled", sync);
  draw();
  el.append(fieldset);
  return () => {
    model.off("change:options change:legend change:hint", draw);
    model.off("change:value change:disabled", sync);
  };
}

export default { render };
