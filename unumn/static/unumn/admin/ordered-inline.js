/* Ordered inlines of the entry form (the people, the organisations): move a row by
 * dragging its handle, or with its "Move up" / "Move down" buttons (keyboard and
 * single pointer); the "order" numbers follow, and a status line says where the row
 * went. Without JavaScript the numbers are typed. */
"use strict";
{
  const ROW = "tr.form-row:not(.empty-form)";
  const ORDER = 'input[name$="-order"]';

  const rows = (group) => Array.from(group.querySelectorAll(`tbody > ${ROW}`));

  // What the row lists (the person or organisation chosen), for the buttons' names.
  function rowName(row) {
    const select = row.querySelector("select.admin-autocomplete, td:nth-child(3) select");
    const text = select?.selectedOptions[0]?.textContent.trim();
    return text || "this row";
  }

  function name(row) {
    const who = rowName(row);
    // The visible words first, as they are seen (WCAG 2.5.3), then which row.
    row.querySelector(".ordered-inline-up")?.setAttribute("aria-label", `Move up: ${who}`);
    row.querySelector(".ordered-inline-down")?.setAttribute("aria-label", `Move down: ${who}`);
  }

  function say(group, text) {
    const live = group.querySelector(".ordered-inline-status");
    if (!live) return;
    live.textContent = "";  // the same words again are read again
    window.setTimeout(() => { live.textContent = text; }, 50);
  }

  function renumber(group) {
    rows(group).forEach((row, index) => {
      const input = row.querySelector(ORDER);
      if (input) input.value = index + 1;
    });
  }

  function announce(group, row) {
    const all = rows(group);
    say(group, `${rowName(row)}: position ${all.indexOf(row) + 1} of ${all.length}.`);
  }

  // A row moves with the row of its errors, which Django puts just before it.
  function moveBefore(row, target) {
    const errors = row.previousElementSibling?.matches("tr.row-form-errors")
      ? row.previousElementSibling : null;
    const anchor = target?.previousElementSibling?.matches("tr.row-form-errors")
      ? target.previousElementSibling : target;
    const body = row.parentElement;
    if (errors) body.insertBefore(errors, anchor);
    body.insertBefore(row, anchor);
  }

  function controls() {
    const box = document.createElement("span");
    box.className = "ordered-inline-controls";
    box.innerHTML =
      '<span class="ordered-inline-handle" title="Drag to move" aria-hidden="true">⠿</span>' +
      '<button type="button" class="ordered-inline-up">Move up</button>' +
      '<button type="button" class="ordered-inline-down">Move down</button>';
    return box;
  }

  function enhance(group) {
    const table = group.querySelector("table");
    if (!table || group.dataset.ordered || !group.querySelector(ORDER)) return;  // view only
    group.dataset.ordered = "1";
    const live = document.createElement("p");
    live.className = "ordered-inline-status";
    live.setAttribute("aria-live", "polite");
    table.after(live);
    for (const row of group.querySelectorAll("tbody > tr.form-row")) {
      row.querySelector("td.original")?.prepend(controls());
      name(row);
    }
    group.addEventListener("change", (event) => {
      const row = event.target.closest?.(ROW);
      if (row) name(row);
    });

    group.addEventListener("click", (event) => {
      const button = event.target.closest(".ordered-inline-up, .ordered-inline-down");
      if (!button) return;
      const row = button.closest("tr");
      const all = rows(group);
      const index = all.indexOf(row);
      const up = button.classList.contains("ordered-inline-up");
      if (up ? index === 0 : index === all.length - 1) {
        say(group, `${rowName(row)} is already ${up ? "first" : "last"}.`);
        return;
      }
      moveBefore(row, up ? all[index - 1] : all[index + 2] || all[index + 1].nextElementSibling);
      renumber(group);
      announce(group, row);
      button.focus();
    });

    let dragged = null;
    let origin = null;
    const release = (row) => { if (row) row.draggable = false; };
    group.addEventListener("pointerdown", (event) => {
      const handle = event.target.closest(".ordered-inline-handle");
      if (handle) handle.closest("tr").draggable = true;
    });
    group.addEventListener("pointerup", (event) => {
      if (!dragged) release(event.target.closest?.(ROW));
    });
    group.addEventListener("pointercancel", (event) => release(event.target.closest?.(ROW)));
    group.addEventListener("dragstart", (event) => {
      dragged = event.target.closest?.(ROW) || null;
      if (!dragged) return;
      origin = rows(group).indexOf(dragged);
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
      dragged.classList.add("ordered-inline-dragging");
    });
    group.addEventListener("dragover", (event) => {
      const over = event.target.closest?.(ROW);
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      const box = over.getBoundingClientRect();
      moveBefore(dragged, event.clientY < box.top + box.height / 2 ? over : over.nextElementSibling);
    });
    group.addEventListener("drop", (event) => {
      if (dragged) event.preventDefault();
    });
    group.addEventListener("dragend", (event) => {
      if (!dragged) return;
      if (event.dataTransfer.dropEffect === "none") {  // cancelled (Escape): back it goes
        const others = rows(group).filter((row) => row !== dragged);
        moveBefore(dragged, others[origin] || others.at(-1)?.nextElementSibling || null);
      }
      dragged.classList.remove("ordered-inline-dragging");
      release(dragged);
      renumber(group);
      announce(group, dragged);
      dragged = null;
    });
  }

  function enhanceAll() {
    for (const fieldset of document.querySelectorAll("fieldset.ordered-inline")) {
      enhance(fieldset.closest(".js-inline-admin-formset") || fieldset);
    }
  }

  // A row added with "Add another" goes last: it alone is numbered, after the others.
  document.addEventListener("formset:added", (event) => {
    const group = event.target.closest(".js-inline-admin-formset");
    if (!group || !group.dataset.ordered) return;
    const numbers = rows(group)
      .filter((row) => row !== event.target)
      .map((row) => Number(row.querySelector(ORDER)?.value) || 0);
    const input = event.target.querySelector(ORDER);
    if (input) input.value = Math.max(0, ...numbers) + 1;
    name(event.target);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhanceAll);
  else enhanceAll();
}
