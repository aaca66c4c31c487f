// "More like this" on a paper page: the papers most similar to this one, beyond the five related ones the page
// lists, loaded only when the reader asks (one small file: this paper's bucket of similar-paper lists).
import { bucketOf } from "./vectors.js";
import { element, fetchJSON, siteURL } from "./site.js";
import { wireStars } from "./stars-ui.js";

const section = document.querySelector("[data-like]");
if (section) {
  const button = section.querySelector("button.like");
  const status = section.querySelector(".like-status");
  const list = section.querySelector("ol");
  section.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Loading similar papers…";
    try {
      const manifest = await fetchJSON(section.dataset.manifest);
      const slug = section.dataset.like;
      const data = await fetchJSON(String(manifest.like).replace("{}", bucketOf(slug, manifest.buckets)));
      const positions = (data.like && data.like[slug]) || [];
      list.replaceChildren();
      for (const position of positions) {
        const [other, title] = data.papers[position] || [];
        if (typeof other !== "string") continue;
        const item = element("li", undefined, "paper");
        const link = element("a", String(title), "title");
        link.href = siteURL(manifest.paper, other);
        const star = element("button", " Star", "star");
        star.type = "button";
        star.dataset.star = other;
        item.append(link, " ", star);
        list.append(item);
      }
      wireStars(list);
      status.textContent = positions.length ? `${positions.length} papers, most similar first.` : "No other paper shares enough words with this one.";
      button.hidden = true;
    } catch (error) {
      status.textContent = "Similar papers could not be loaded (" + error.message + ").";
      button.disabled = false;
    }
  });
}
