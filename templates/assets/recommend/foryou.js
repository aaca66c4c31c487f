// The "For you" page: the recent papers ranked by a model of the reader's stars, trained here, in the browser.
// It loads the recent papers' vectors (one file) and, for each star, the bucket file that holds its vector;
// the other papers of those buckets are more examples of what the reader did not star. Nothing is sent.
import { recommend } from "./rank.js";
import { bucketOf, readPapers, Vocabulary } from "./vectors.js";
import { element, fetchJSON, onChange, siteURL, stars } from "./site.js";
import { wireStars } from "./stars-ui.js";

const SHOWN = 20;
const box = document.getElementById("for-you");
const status = box.querySelector(".for-you-status");
const list = box.querySelector("ol");

/** Every paper the ranking needs: the recent ones, the starred ones, and their bucket-mates. */
export async function load(manifest, starred) {
  const vocabulary = new Vocabulary();
  const candidates = readPapers(await fetchJSON(manifest.recent), vocabulary);
  const buckets = [...new Set(starred.map((s) => bucketOf(s.slug, manifest.buckets)))].sort((a, b) => a - b);
  const files = await Promise.all(buckets.map((b) => fetchJSON(String(manifest.papers).replace("{}", b))));
  const others = files.flatMap((data) => readPapers(data, vocabulary));
  return { vocabulary, candidates, others };
}

function item(result, manifest) {
  const li = element("li", undefined, "paper");
  const link = element("a", result.paper.title, "title");
  link.href = siteURL(manifest.paper, result.paper.slug);
  const star = element("button", " Star", "star");
  star.type = "button";
  star.dataset.star = result.paper.slug;
  li.append(link, " ", star);
  if (result.reasons.length) li.append(element("p", "Because of: " + result.reasons.join(", "), "reasons"));
  return li;
}

async function show() {
  const starred = stars();
  list.replaceChildren();
  if (!starred.length) {
    status.textContent = "You have not starred any paper yet. Star papers you like (the ☆ Star button beside each paper), then come back: this page ranks the recent papers by them.";
    return;
  }
  status.textContent = "Ranking the recent papers…";
  try {
    const manifest = await fetchJSON(box.dataset.manifest);
    const { vocabulary, candidates, others } = await load(manifest, starred);
    const known = new Map(candidates.concat(others).map((p) => [p.slug, p]));
    const found = starred.map((s) => known.get(s.slug)).filter(Boolean);
    if (!found.length) {
      status.textContent = "None of your starred papers is on this site any more, so there is nothing to rank by.";
      return;
    }
    const results = recommend(found, candidates, others, vocabulary.terms, { count: SHOWN });
    for (const result of results) list.append(item(result, manifest));
    wireStars(list);
    const digests = Array.isArray(manifest.digests) ? manifest.digests.length : 0;
    const missing = starred.length - found.length;
    status.textContent = `The ${results.length} papers of the last ${digests} digests (${candidates.length} papers) that fit your ` +
      `${found.length} starred papers best, best first.` + (missing ? ` ${missing} starred papers are no longer on this site.` : "");
  } catch (error) {
    status.textContent = "The recommendations could not be loaded (" + error.message + ").";
  }
}

box.hidden = false;
show();
onChange(show);
