/* Ordered inlines of the entry form (the people, the organisations): move a row by
 * dragging its handle, or with its "Move up" / "Move down" buttons (keyboard and
 * single pointer); the "order" numbers follow. Without JavaScript the numbers are typed. */
"use strict";
{
  const ROW = "tr.form-row:not(.empty-form)";

  function rows(group) {
    return Array.from(group.querySelectorAll(`tbody > ${ROW}`));
  }

  function renumber(group) {
    rows(group).forEach((row, index) => {
      const input = row.querySelector('input[name$="-order"]');
      if (input) input.value = index + 1;
    });
  }

  function announce(group, row) {
    const all = rows(group);
    const live = group.querySelector(".ordered-inline-status");
    if (live) live.textContent = `Moved to position ${all.indexOf(row) + 1} of ${all.length}.`;
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
    if (!table || group.dataset.ordered) return;
    group.dataset.ordered = "1";
    const live = document.createElement("p");
    live.className = "ordered-inline-status";
    live.setAttribute("aria-live", "polite");
    table.after(live);
    for (const row of group.querySelectorAll("tbody > tr.form-row")) {
      row.querySelector("td.original")?.prepend(controls());
    }

    group.addEventListener("click", (event) => {
      const button = event.target.closest(".ordered-inline-up, .ordered-inline-down");
      if (!button) return;
      const row = button.closest("tr");
      const up = button.classList.contains("ordered-inline-up");
      const other = up ? row.previousElementSibling : row.nextElementSibling;
      if (!other || !other.matches(ROW)) return;
      if (up) other.before(row);
      else other.after(row);
      renumber(group);
      announce(group, row);
      button.focus();
    });

    let dragged = null;
    group.addEventListener("pointerdown", (event) => {
      const handle = event.target.closest(".ordered-inline-handle");
      if (handle) handle.closest("tr").draggable = true;
    });
    group.addEventListener("dragstart", (event) => {
      dragged = event.target.closest?.(ROW) || null;
      if (!dragged) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
      dragged.classList.add("ordered-inline-dragging");
    });
    group.addEventListener("dragover", (event) => {
      const over = event.target.closest?.(ROW);
      if (!dragged || !over || over === dragged) return;
      event.preventDefault();
      const box = over.getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) over.before(dragged);
      else over.after(dragged);
    });
    group.addEventListener("drop", (event) => {
      if (dragged) event.preventDefault();
    });
    group.addEventListener("dragend", () => {
      if (!dragged) return;
      dragged.classList.remove("ordered-inline-dragging");
      dragged.draggable = false;
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

  // A row added with "Add another" goes last, and is numbered so.
  document.addEventListener("formset:added", (event) => {
    const group = event.target.closest(".js-inline-admin-formset");
    if (group && group.dataset.ordered) renumber(group);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhanceAll);
  else enhanceAll();
}
