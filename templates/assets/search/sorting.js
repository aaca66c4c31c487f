/* The search page's orders over every result, not only the shown ones: the facts each order sorts by come from the
   fact files the manifest names ("facts": {"v": upvotes, "d": days}, one list each by paper number; written by
   site_src/outputs/search facts), fetched only when a reader picks the order that needs one, so a first search
   loads none. The orders themselves, their words and tie-break are ../orders.js's. */
import { ordered } from "../orders.js";

/** The fact file each order needs, by its key in manifest "facts". Relevance needs none. */
export const NEEDS = Object.freeze({ upvotes: "v", newest: "d" });

const DAY_MS = 24 * 60 * 60 * 1000;

/** "YYYY-MM-DD" of a day written as days since 1970-01-01 (as the build writes them), or null. */
export function isoDay(days) {
  return typeof days === "number" ? new Date(days * DAY_MS).toISOString().slice(0, 10) : null;
}

/** The manifest's fact file `order` needs, or null (relevance, an unknown order, or an index built without facts). */
export function factFile(manifest, order) {
  const key = Object.prototype.hasOwnProperty.call(NEEDS, order) ? NEEDS[order] : null;
  return key && manifest.facts && manifest.facts[key] ? manifest.facts[key] : null;
}

/** orders.js's factsOf over loaded fact lists ({v: [...], d: [...]}, either may be missing): a result's {v, d}. */
export function factsOf(lists) {
  return (result) => {
    const n = Number(result.ref);
    const v = lists.v ? lists.v[n] : null;
    return { v: typeof v === "number" ? v : null, d: lists.d ? isoDay(lists.d[n]) : null };
  };
}

/** `results` in `order`, given the fact list that order needs (the parsed file factFile names; null for relevance). */
export function sortedBy(results, order, list) {
  if (!list) return results.slice();
  return ordered(results, order, factsOf({ [NEEDS[order]]: list }));
}
