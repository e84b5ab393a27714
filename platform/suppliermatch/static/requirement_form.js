// The requirement form, made quicker with script; without it every control still works
// and the server checks everything (requirements/forms.py, schemas.py).

// The category narrows the processes offered to its own; a process of another category
// is unselected. The server still refuses a process outside the category, in words.
for (const category of document.querySelectorAll("select[data-filters]")) {
  const processes = document.getElementById(category.dataset.filters);
  const narrow = () => {
    for (const group of processes.querySelectorAll("optgroup[data-category]")) {
      const offered = !category.value || group.dataset.category === category.value;
      group.hidden = !offered;
      group.disabled = !offered;
      if (!offered && group.contains(processes.selectedOptions[0])) processes.value = "";
    }
  };
  category.addEventListener("change", narrow);
  narrow();
}

// A town chosen fills the PIN code box; a PIN code typed unchooses the town, so the two
// never disagree (the server refuses them when they do).
for (const place of document.querySelectorAll("select[data-fills]")) {
  const pincode = document.getElementById(place.dataset.fills);
  place.addEventListener("change", () => {
    pincode.value = place.value;
  });
  pincode.addEventListener("input", () => {
    if (pincode.value.trim() !== place.value) place.value = "";
  });
}

// "Add a line" adds an empty row here instead of posting the form back for one.
for (const button of document.querySelectorAll("button[data-adds-row]")) {
  const body = button.closest("form").querySelector("table.line-items tbody");
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const last = body.rows[body.rows.length - 1];
    const row = last.cloneNode(true);
    const number = body.rows.length + 1;
    for (const input of row.querySelectorAll("input")) {
      input.value = "";
      input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, number));
    }
    body.appendChild(row);
    row.querySelector("input").focus();
  });
}
