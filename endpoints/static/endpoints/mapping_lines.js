// Mapping lines and pickers on the endpoint and outbound pages (plain DOM, no framework).
// - the options of the chosen value type are shown, the others hidden;
// - nested lines are indented under their parent;
// - boxes marked data-picker offer Odoo's models or fields as one types (JSON from the admin's
//   picker views); when Odoo does not answer they stay text boxes and say so.
"use strict";
(() => {
  const script = document.currentScript;
  const urls = { models: script.dataset.modelsUrl, fields: script.dataset.fieldsUrl };
  // A line: one form of the stacked lines inline (endpoint and outbound pages alike).
  const lineOf = (element) => element.closest(".inline-related");
  const field = (line, name) => line && line.querySelector(`[name$="-${name}"]:not([name*="-options-"])`);

  // -- options of the chosen value type ------------------------------------------------------
  function showOptions(line) {
    const select = field(line, "value_type");
    if (!select) return;
    let shown = false;
    line.querySelectorAll(".hub-options").forEach((group) => {
      group.hidden = group.dataset.valueType !== select.value;
      shown = shown || !group.hidden;
    });
    const none = line.querySelector(".hub-options-none");
    if (none) none.hidden = shown;
  }

  // -- nested lines under their parent -------------------------------------------------------
  function lineById(id) {
    if (!id) return null;
    const input = [...document.querySelectorAll('.hub-lines input[name$="-id"]')].find((box) => box.value === id);
    return input ? lineOf(input) : null;
  }

  function markNested(line) {
    const parent = field(line, "parent");
    const nested = Boolean(parent && parent.value);
    line.classList.toggle("hub-nested", nested);
    let note = line.querySelector(".hub-nested-note");
    if (!nested) { if (note) note.remove(); return; }
    if (!note) {
      note = document.createElement("span");
      note.className = "hub-nested-note";
      line.querySelector("h3").append(note);
    }
    const parentLine = lineById(parent.value);
    const key = parentLine && field(parentLine, "external_key");
    note.textContent = ` nested under ${key ? key.value : parent.options[parent.selectedIndex].text}`;
  }

  // -- pickers -------------------------------------------------------------------------------
  // The model whose fields a box offers: a lookup field's model box, else the line's model
  // (the page's model, through the parents' relational fields for nested lines).
  function fieldsQuery(box) {
    if (box.dataset.pickerOf) {
      const model = box.closest(".hub-options").querySelector(`[name$="-${box.dataset.pickerOf}"]`);
      return { model: model ? model.value : "", via: "" };
    }
    const via = [];
    let line = lineOf(box);
    const seen = new Set();
    while (line && !seen.has(line)) {
      seen.add(line);
      const parent = field(line, "parent");
      line = parent && parent.value ? lineById(parent.value) : null;
      if (line) via.unshift(field(line, "odoo_field").value);
    }
    const model = document.getElementById("id_odoo_model");
    return { model: model ? model.value : "", via: via.join(",") };
  }

  function note(box, text) {
    let element = box.parentElement.querySelector(".hub-picker-note");
    if (!text) { if (element) element.remove(); return; }
    if (!element) {
      element = document.createElement("div");
      element.className = "hub-picker-note help";
      element.setAttribute("role", "status");
      box.after(element);
    }
    element.textContent = text;
  }

  function close(box) {
    const list = box.parentElement.querySelector(".hub-picks");
    if (list) list.remove();
    box.setAttribute("aria-expanded", "false");
  }

  function describe(row) {
    const parts = [row.type, row.relation && `→ ${row.relation}`, row.required && "required"].filter(Boolean);
    return parts.join(" ");
  }

  function picked(box, row) {
    box.value = row.value;
    close(box);
    box.dispatchEvent(new Event("change", { bubbles: true }));
    if (box.dataset.picker !== "fields" || box.dataset.pickerOf) return;
    // A field picked on a line: fill what Odoo just told, where the admin left it empty.
    const line = lineOf(box);
    const odooType = field(line, "odoo_type");
    if (odooType && !odooType.value && [...odooType.options].some((o) => o.value === row.type)) odooType.value = row.type;
    const valueType = field(line, "value_type");
    const lookupModel = valueType && line.querySelector(`.hub-options[data-value-type="${valueType.value}"] [name$="-model"]`);
    if (lookupModel && !lookupModel.value && row.relation) lookupModel.value = row.relation;
  }

  let pending = null;
  async function offer(box) {
    const connection = document.getElementById("id_connection");
    const params = new URLSearchParams({ connection: connection ? connection.value : "", term: box.value });
    if (box.dataset.picker === "fields") {
      const { model, via } = fieldsQuery(box);
      params.set("model", model);
      params.set("via", via);
    }
    const asked = `${urls[box.dataset.picker]}?${params}`;
    pending = asked;
    let answer;
    try {
      const response = await fetch(asked, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      answer = await response.json();
    } catch (error) {
      answer = { error: "Odoo did not answer" };
    }
    if (pending !== asked || document.activeElement !== box) return;
    if (answer.error) {
      close(box);
      note(box, `${answer.error} Type the technical name; it is checked when you save.`);
      return;
    }
    note(box, answer.results.length ? "" : "Nothing in Odoo matches.");
    show(box, answer.results);
  }

  function show(box, rows) {
    close(box);
    if (!rows.length) return;
    const list = document.createElement("ul");
    list.className = "hub-picks";
    list.setAttribute("role", "listbox");
    list.id = `${box.id}-picks`;
    rows.forEach((row) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.value = row.value;
      const label = document.createElement("strong");
      label.textContent = row.label;
      const name = document.createElement("code");
      name.textContent = row.value;
      item.append(label, " ", name);
      const detail = describe(row);
      if (detail) {
        const more = document.createElement("span");
        more.textContent = ` ${detail}`;
        item.append(more);
      }
      // mousedown, not click: the box's blur would close the list before the click lands
      item.addEventListener("mousedown", (event) => { event.preventDefault(); picked(box, row); });
      list.append(item);
    });
    box.after(list);
    // The list and its box share an offset parent: the list opens right under the box.
    list.style.left = `${box.offsetLeft}px`;
    list.style.top = `${box.offsetTop + box.offsetHeight}px`;
    list.style.minWidth = `${box.offsetWidth}px`;
    box.setAttribute("aria-expanded", "true");
    box.setAttribute("aria-controls", list.id);
  }

  let timer = null;
  document.addEventListener("input", (event) => {
    const box = event.target.closest("input[data-picker]");
    if (!box) return;
    clearTimeout(timer);
    timer = setTimeout(() => offer(box), 250);
  });
  document.addEventListener("focusin", (event) => {
    const box = event.target.closest("input[data-picker]");
    if (box) offer(box);
  });
  document.addEventListener("focusout", (event) => {
    const box = event.target.closest("input[data-picker]");
    if (box) setTimeout(() => close(box), 150);
  });
  document.addEventListener("keydown", (event) => {
    const box = event.target.closest("input[data-picker]");
    if (box && event.key === "Escape") close(box);
  });

  document.addEventListener("change", (event) => {
    const line = lineOf(event.target);
    if (!line || !line.closest(".hub-lines")) return;
    if (event.target.matches('[name$="-value_type"]')) showOptions(line);
    if (event.target.matches('[name$="-parent"]')) markNested(line);
  });
  document.addEventListener("formset:added", (event) => {
    const line = event.target.closest(".inline-related") || event.target;
    showOptions(line);
  });
  document.querySelectorAll(".hub-lines .inline-related").forEach((line) => { showOptions(line); markNested(line); });
})();
