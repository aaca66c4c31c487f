// Star buttons, on every page that lists papers: a toggle (aria-pressed) per paper, kept in localStorage.
// The buttons are rendered hidden and shown here, so a page without JavaScript shows no button that does nothing.
import { toggled } from "./stars.js";
import { element, keep, onChange, stars } from "./site.js";

/** The star a button stands for: its paper's slug, title and what the paper page adds (arXiv id, authors, year). */
export function starOf(button) {
  const item = button.closest("li, article");
  const heading = item && item.querySelector("a.title, h1");
  const data = button.dataset;
  const star = { slug: data.star, title: data.title || (heading ? heading.textContent : data.star) };
  if (data.arxiv) star.arxiv = data.arxiv;
  if (data.authors) star.authors = data.authors.split("; ");
  if (data.year) star.year = Number(data.year);
  return star;
}

function show(button, on) {
  button.setAttribute("aria-pressed", on ? "true" : "false");
  button.querySelector(".star-icon").textContent = on ? "★" : "☆";
}

/** Wire every star button under `scope` (and the ones scripts add later, when called on them). */
export function wireStars(scope = document) {
  const buttons = [...scope.querySelectorAll("button[data-star]")];
  const refresh = () => {
    const starred = new Set(stars().map((s) => s.slug));
    for (const button of document.querySelectorAll("button[data-star]")) show(button, starred.has(button.dataset.star));
  };
  for (const button of buttons) {
    if (button.dataset.wired) continue;
    button.dataset.wired = "1";
    if (!button.querySelector(".star-icon")) button.prepend(element("span", "☆", "star-icon"));
    button.querySelector(".star-icon").setAttribute("aria-hidden", "true");
    button.hidden = false;
    button.addEventListener("click", () => {
      const saved = keep(toggled(stars(), starOf(button)));
      refresh();
      if (!saved) button.title = "This browser does not keep stars (storage is off): they last until the page closes.";
    });
  }
  refresh();
  return refresh;
}

onChange(wireStars());
