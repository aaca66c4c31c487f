// The "Starred" page: the reader's stars, and their export and import (JSON or BibTeX), all in this browser.
import { fromBibTeX, fromJSON, merged, toBibTeX, toJSON } from "./stars.js";
import { element, keep, onChange, root, siteURL, stars } from "./site.js";
import { wireStars } from "./stars-ui.js";

const box = document.getElementById("starred");
const status = box.querySelector(".starred-status");
const list = box.querySelector("ol");

function show() {
  const starred = stars();
  list.replaceChildren();
  for (const star of starred) {
    const li = element("li", undefined, "paper");
    const link = element("a", star.title, "title");
    link.href = siteURL(box.dataset.paper, star.slug);
    const button = element("button", " Star", "star");
    button.type = "button";
    button.dataset.star = star.slug;
    li.append(link, " ", button);
    list.append(li);
  }
  wireStars(list);
  status.textContent = starred.length ? `${starred.length} starred papers, kept in this browser only.` : "No starred papers yet.";
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = element("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

box.querySelector(".export-json").addEventListener("click", () => download("stars.json", "application/json", toJSON(stars())));
box.querySelector(".export-bibtex").addEventListener("click", () => download("stars.bib", "application/x-bibtex", toBibTeX(stars(), root.href, box.dataset.paper)));
box.querySelector("input[type=file]").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const text = await file.text();
  let added;
  try {
    added = text.trimStart().startsWith("@") ? fromBibTeX(text) : fromJSON(text);
  } catch {
    status.textContent = `${file.name} is neither a JSON nor a BibTeX file of stars; nothing was imported.`;
    return;
  }
  const before = stars();
  const after = merged(before, added);
  const saved = keep(after);
  show();
  status.textContent = `Imported ${after.length - before.length} new starred papers from ${file.name} (${added.length} in the file).` +
    (saved ? "" : " This browser does not keep them after the page closes.");
  event.target.value = "";
});
list.addEventListener("click", (event) => {
  // unstarring here takes the paper off the list at once
  if (event.target.closest("button[data-star]")) setTimeout(show, 0);
});
box.hidden = false;
show();
onChange(show);
