// What the page scripts of recommendations share: where the site's root is, its stars, and its files.
// The root is found from this module's own URL (assets/recommend/site.js), so the site works under any sub-path.
import { readStars, storageKey, writeStars } from "./stars.js";

export const root = new URL("../../", import.meta.url);

const key = storageKey(root.pathname);

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage turned off: stars last as long as the page
  }
}

let unsaved = null;

/** The reader's stars in this browser. */
export function stars() {
  const store = storage();
  return store ? readStars(store, key) : unsaved || [];
}

/** Keep the stars; false when the browser would not (the page then says so). */
export function keep(list) {
  const store = storage();
  if (store && writeStars(store, key, list)) return true;
  unsaved = list;
  return false;
}

/** Call `listener` when another tab of this site changes the stars. */
export function onChange(listener) {
  window.addEventListener("storage", (event) => {
    if (event.key === key) listener();
  });
}

/** A site file as JSON, by its site-relative path. */
export async function fetchJSON(path) {
  const response = await fetch(new URL(path, root));
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

/** The URL of a site-relative path with `{}` filled in. */
export function siteURL(pattern, value) {
  return new URL(String(pattern).replace("{}", encodeURIComponent(value)), root).href;
}

/** An element with text (never HTML: titles come from the site's data and from imported files). */
export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}
