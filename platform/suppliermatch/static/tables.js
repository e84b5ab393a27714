// On a phone every table row reads as a card (app.css, below 40rem): each cell shows its
// column's heading beside its value. The headings stay the one source of those labels: this
// copies each into its cells' data-label. Without JavaScript a table keeps its columns and
// scrolls sideways inside its .table-wrap.

// A heading's words, a line break read as a space (innerText would do it, but gives nothing
// for a heading inside a closed <details>).
function headingText(heading) {
  const copy = heading.cloneNode(true);
  for (const lineBreak of copy.querySelectorAll("br")) lineBreak.replaceWith(" ");
  return copy.textContent;
}

for (const table of document.querySelectorAll("main table")) {
  const headings = table.tHead && table.tHead.rows[0];
  if (!headings) continue;
  const labels = [];
  for (const heading of headings.cells) {
    const label = headingText(heading).replace(/\s+/g, " ").trim();
    for (let span = 0; span < heading.colSpan; span++) labels.push(label);
  }
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        // A cell across the whole row ("No quotes yet") is a message, not a value.
        if (labels[column] && cell.colSpan < labels.length) cell.dataset.label = labels[column];
        column += cell.colSpan;
      }
    }
  }
  table.classList.add("stacks");
}
