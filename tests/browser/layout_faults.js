// What a phone reader would trip over on the page as laid out now, as a list of sentences:
// the page scrolling sideways, a table cell wider than its box, a word broken inside.
// A word counts as broken when its letters sit on more than one line (Range.getClientRects
// gives one box a line); a break after a hyphen, dash, slash or an e-mail's @ is a break
// between words.
() => {
  const faults = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1)
    faults.push(`the page scrolls sideways by ${root.scrollWidth - root.clientWidth} px`);
  for (const cell of document.querySelectorAll("td, th")) {
    if (!cell.checkVisibility()) continue;
    if (cell.scrollWidth > cell.clientWidth + 1)
      faults.push(`the cell "${cell.innerText.trim().slice(0, 40)}" overflows by ${cell.scrollWidth - cell.clientWidth} px`);
  }
  // Text clipped to a 1 px box (headings kept for screen readers) is not shown to anyone.
  const clipped = new Map();
  const isClipped = (element) => {
    if (!element || element === document.body) return false;
    if (!clipped.has(element)) {
      const box = element.getBoundingClientRect();
      clipped.set(element, (box.width <= 1 && box.height <= 1) || isClipped(element.parentElement));
    }
    return clipped.get(element);
  };
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent.checkVisibility() || isClipped(parent)) continue;
    for (const word of node.textContent.matchAll(/[^\s\-\u2013\u2014\/@]+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set(
        [...range.getClientRects()].filter((box) => box.width > 0).map((box) => Math.round(box.top)),
      );
      if (lines.size > 1) faults.push(`"${word[0]}" is broken over ${lines.size} lines`);
    }
  }
  return faults;
}
