// The reader's stars: kept in this browser's localStorage, never sent anywhere; exported and imported as JSON or
// BibTeX. A star is {slug, title, arxiv, authors, year}: what the reader's other tools (and this site, after a
// rebuild or on another machine) need to find the paper again. Everything read back (storage, imported files) is
// untrusted: it is checked field by field here, and pages show it with textContent only.

const SLUG = /^[a-z0-9][a-z0-9._-]{0,199}$/;
const ARXIV = /^\d{4}\.\d{4,5}$/;
const MOST = 5000; // stars kept: far more than a reader makes, few enough that storage and pages stay small

/** The storage key of one site's stars: sites under different paths of one host keep different stars. */
export function storageKey(rootPath) {
  return "paper-digest:stars:" + rootPath;
}

function text(value, limit) {
  return typeof value === "string" ? value.replace(/\s+/g, " ").trim().slice(0, limit) : "";
}

/** A star as this site keeps it, from anything (storage, an imported file); null when it names no paper. */
export function cleanStar(value) {
  if (!value || typeof value !== "object" || typeof value.slug !== "string" || !SLUG.test(value.slug)) return null;
  const star = { slug: value.slug, title: text(value.title, 500) || value.slug };
  const arxiv = text(value.arxiv, 20);
  if (ARXIV.test(arxiv)) star.arxiv = arxiv;
  const authors = Array.isArray(value.authors) ? value.authors.map((a) => text(a, 200)).filter(Boolean).slice(0, 100) : [];
  if (authors.length) star.authors = authors;
  const year = Number(value.year);
  if (Number.isInteger(year) && year > 1900 && year < 3000) star.year = year;
  return star;
}

/** Stars, each paper once (the first kept), at most MOST. */
export function cleanStars(values) {
  const seen = new Set();
  const stars = [];
  for (const value of Array.isArray(values) ? values : []) {
    const star = cleanStar(value);
    if (star && !seen.has(star.slug) && stars.length < MOST) {
      seen.add(star.slug);
      stars.push(star);
    }
  }
  return stars;
}

/** The stars kept in `storage` under `key`; none when storage is unavailable or holds something else. */
export function readStars(storage, key) {
  try {
    return cleanStars(JSON.parse(storage.getItem(key) || "[]"));
  } catch {
    return [];
  }
}

/** Keep `stars`; false when storage refuses (private windows, a full quota), so the page can say so. */
export function writeStars(storage, key, stars) {
  try {
    storage.setItem(key, JSON.stringify(cleanStars(stars)));
    return true;
  } catch {
    return false;
  }
}

/** The stars with `star` added, or removed when it was there. */
export function toggled(stars, star) {
  return stars.some((s) => s.slug === star.slug) ? stars.filter((s) => s.slug !== star.slug) : cleanStars([...stars, star]);
}

/** The stars of both lists, each paper once: importing adds to what the reader has, it never removes. */
export function merged(stars, added) {
  return cleanStars([...stars, ...added]);
}

/** The stars as a JSON file. */
export function toJSON(stars) {
  return JSON.stringify({ format: "paper-digest-stars", version: 1, stars: cleanStars(stars) }, null, 1) + "\n";
}

/** Stars from a JSON file this site exported (or a plain list of stars); throws on text that is not JSON. */
export function fromJSON(textValue) {
  const data = JSON.parse(textValue);
  return cleanStars(Array.isArray(data) ? data : data && data.stars);
}

// BibTeX: braces balance inside a field, and a field cannot close early; TeX's special characters are escaped.
function bibValue(value) {
  return "{" + String(value).replace(/[\\{}]/g, "").replace(/([&%$#_^~])/g, "\\$1") + "}";
}

/** The stars as BibTeX: one @misc entry per paper, keyed by its slug (so an import finds the paper again). */
export function toBibTeX(stars, siteUrl = "", paperPattern = "") {
  return cleanStars(stars).map((star) => {
    const fields = [["title", star.title]];
    if (star.authors) fields.push(["author", star.authors.join(" and ")]);
    if (star.year) fields.push(["year", star.year]);
    if (star.arxiv) fields.push(["eprint", star.arxiv], ["archivePrefix", "arXiv"], ["url", "https://arxiv.org/abs/" + star.arxiv]);
    else if (siteUrl && paperPattern) fields.push(["url", siteUrl + paperPattern.replace("{}", star.slug)]);
    return `@misc{${star.slug},\n` + fields.map(([k, v]) => `  ${k} = ${bibValue(v)}`).join(",\n") + "\n}\n";
  }).join("\n");
}

function unbraced(value) {
  return value.replace(/\\([&%$#_^~])/g, "$1").replace(/[{}]/g, "").replace(/\s+/g, " ").trim();
}

/** Stars from BibTeX: each entry's key is taken as the paper's slug (as toBibTeX writes it). */
export function fromBibTeX(textValue) {
  const stars = [];
  const entry = /@\w+\s*\{\s*([^,\s]+)\s*,([\s\S]*?)\n\s*\}/g;
  let match;
  while ((match = entry.exec(String(textValue).slice(0, 5_000_000))) !== null) {
    const star = { slug: match[1] };
    const field = /(\w+)\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|"[^"]*"|\d+)/g;
    let f;
    while ((f = field.exec(match[2])) !== null) {
      const name = f[1].toLowerCase();
      const value = unbraced(f[2].replace(/^"|"$/g, ""));
      if (name === "title") star.title = value;
      else if (name === "author") star.authors = value.split(/\s+and\s+/);
      else if (name === "year") star.year = Number(value);
      else if (name === "eprint") star.arxiv = value;
    }
    stars.push(star);
  }
  return cleanStars(stars);
}
