/* The orders search results can be read in (docs/reading.md): as the search ranks them, most upvoted first, or
   newest first; the same words and the same tie-break as the static list pages (site_src/assemble/orders.py).
   The choice lives in the page's URL (?q=...&sort=upvotes), so a sorted search can be bookmarked and shared.

   Pure functions for the search widget to call: it hands its results and a function giving each result's facts,
   { v: upvotes or null, d: "YYYY-MM-DD" or null } (the arXiv day, else the first listing's), as its store can
   carry them. Nothing here touches the DOM or the network. */

export const ORDERS = Object.freeze({ relevance: "relevance", upvotes: "most upvoted", newest: "newest" });

/** The order a page's query string asks for ("?q=x&sort=upvotes"); anything else is relevance. */
export function orderOf(search) {
  const asked = new URLSearchParams(search).get("sort");
  return asked !== null && Object.prototype.hasOwnProperty.call(ORDERS, asked) ? asked : "relevance";
}

/** `href` with its order set: `sort` is left out for relevance, so the plain search URL stays the default. */
export function withOrder(href, order) {
  const url = new URL(href);
  if (order === "relevance" || !Object.prototype.hasOwnProperty.call(ORDERS, order)) url.searchParams.delete("sort");
  else url.searchParams.set("sort", order);
  return url.href;
}

function votes(facts) {
  return facts && typeof facts.v === "number" ? facts.v : -1; // no upvotes known: after every known count
}

function day(facts) {
  return facts && typeof facts.d === "string" ? facts.d : ""; // ISO days compare as text; undated last
}

function compare(a, b, order) {
  if (order === "upvotes") return votes(b) - votes(a);
  const x = day(a), y = day(b);
  if (x === y) return 0;
  if (!x || !y) return x ? -1 : 1;
  return x < y ? 1 : -1;
}

/** A new array of `results` in `order`; ties keep the search's ranking, so relevance breaks them. */
export function ordered(results, order, factsOf) {
  if (order !== "upvotes" && order !== "newest") return results.slice();
  return results
    .map((result, rank) => ({ result, rank, facts: factsOf(result) }))
    .sort((a, b) => compare(a.facts, b.facts, order) || a.rank - b.rank)
    .map((entry) => entry.result);
}
