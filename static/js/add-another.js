// The "add another" lists (templates/components/add_another.html, made by
// governance/ordered_lists.py). Without JavaScript their buttons post the
// form and the server shows the page again with the change; here they work
// in place: "Add another" adds a row from the <template> (the formset's
// empty form, "__prefix__" standing for its index) and moves focus to its
// first field; "Remove" hides a row and marks it deleted (DELETE=on, posted
// with the page); "Move up"/"Move down" move it. Each row's place goes in
// its hidden ORDER field, from which the server numbers the list on saving.
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

function letters(place) {
  let text = "";
  while (place > 0) {
    const rest = (place - 1) % 26;
    text = LETTERS[rest] + text;
    place = Math.floor((place - 1) / 26);
  }
  return text;
}

function written(place, style) {
  return style === "letters" ? `(${letters(place)})` : String(place);
}

function setUp(list) {
  const prefix = list.dataset.prefix;
  const total = list.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const rows = list.querySelector(".app-add-another__list");
  const template = list.querySelector("template.app-add-another__template");
  const addButton = list.querySelector(".app-add-another__add");

  const shown = () =>
    Array.from(rows.children).filter(
      (row) => row.matches(".app-add-another__item") && !row.hidden,
    );

  function renumber() {
    const visible = shown();
    visible.forEach((row, index) => {
      const place = index + 1;
      const order = row.querySelector(`input[name$="-ORDER"]`);
      if (order) order.value = String(place);
      for (const span of row.querySelectorAll(".app-add-another__number")) {
        span.textContent = written(place, list.dataset.numbering);
      }
      const up = row.querySelector('[data-move="up"]');
      const down = row.querySelector('[data-move="down"]');
      if (up) up.hidden = index === 0;
      if (down) down.hidden = index === visible.length - 1;
    });
  }

  function add() {
    const index = Number(total.value);
    rows.insertAdjacentHTML(
      "beforeend",
      template.innerHTML.replaceAll("__prefix__", String(index)),
    );
    total.value = String(index + 1);
    renumber();
    const row = rows.lastElementChild;
    const field = row.querySelector(
      "input:not([type=hidden]), textarea, select",
    );
    if (field) field.focus();
  }

  function remove(row) {
    const deleted = row.querySelector(`input[name$="-DELETE"]`);
    if (deleted) deleted.value = "on";
    row.hidden = true;
    renumber();
    addButton.focus();
  }

  function move(row, button) {
    const direction = button.dataset.move;
    const visible = shown();
    const here = visible.indexOf(row);
    const other = visible[direction === "up" ? here - 1 : here + 1];
    if (!other) return;
    if (direction === "up") other.before(row);
    else other.after(row);
    renumber();
    // Keep focus with the row: on the button pressed, or its partner when
    // the row has reached the end of the list.
    const partner = direction === "up" ? "down" : "up";
    (button.hidden ? row.querySelector(`[data-move="${partner}"]`) : button).focus();
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !list.contains(button)) return;
    const row = button.closest(".app-add-another__item");
    if (button.name === `${prefix}-ADD`) {
      event.preventDefault();
      add();
    } else if (button.name === `${prefix}-REMOVE` && row) {
      event.preventDefault();
      remove(row);
    } else if (button.name === `${prefix}-MOVE` && row) {
      event.preventDefault();
      move(row, button);
    }
  });
}

for (const list of document.querySelectorAll('[data-module="app-add-another"]')) {
  if (!list.dataset.ready) {
    list.dataset.ready = "true";
    setUp(list);
  }
}
