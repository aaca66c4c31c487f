/* A query from typed text to ranked papers: fetches the manifest's shards and store chunks, each once per page and
   only when a query needs it, corrects typos, keeps the papers with every word and with each quoted phrase. */
import { corrected, requiredWords } from "./query.js";
import { phraseFiles, phrases, withPhrases } from "./phrases.js";
import { readManifest, readPositions, shardFiles } from "./shards.js";
import { correction, typoFiles, unmatchedWords } from "./typos.js";
import { find } from "./words.js";

async function fetchJSON(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(url + ": " + response.status);
  return response.json();
}

/** The page's search over the files manifest.json (at url) names. */
export class Search {
  constructor(manifest, base) {
    this.manifest = manifest;
    this.base = base;
    this.files = {};
  }

  /** The manifest at url (revalidated: its name is fixed, every file it names is content-hashed), read. */
  static async open(url) {
    return new Search(readManifest(await fetchJSON(url, { cache: "no-cache" })), url);
  }

  fetch(name) {
    const files = this.files;
    if (!files[name]) {
      files[name] = fetchJSON(new URL(name, this.base).href);
      files[name].catch(() => { delete files[name]; }); // let a later keystroke try again
    }
    return files[name];
  }

  load(files) { return Promise.all(files.map((file) => this.fetch(file))); }

  /** What the page shows for text: {results, query (what was searched), notice}. A word no paper has is replaced
      by its correction; a word one or two papers have is searched beside its correction (either will do). Phrases
      then keep the papers that have them. */
  async query(asked) {
    const manifest = this.manifest;
    let text = asked, also = null, shownAs = asked;
    const wrong = unmatchedWords(manifest, await this.load(shardFiles(manifest, text)), text);
    if (wrong.length) {
      const typoShards = await this.load(typoFiles(manifest, wrong.map((w) => w.word)));
      const fixes = {}, keep = {};
      for (const w of wrong) {
        const fix = correction(manifest, typoShards, w.word, w.papers);
        if (!fix) continue;
        fixes[w.word] = fix;
        if (w.papers) { keep[w.word] = true; (also = also || {})[fix] = w.word; }
      }
      shownAs = corrected(text, fixes);
      text = corrected(text, fixes, keep);
    }
    const found = find(manifest, await this.load(shardFiles(manifest, text)), text, also);
    const fixed = shownAs === asked ? "" : "Showing results for \u201c" + shownAs.trim() + "\u201d" + (also ? " as well." : ".");
    const notice = (more) => [fixed, more].filter(Boolean).join(" ");
    // phrases as the reader sees them corrected: a rare spelling searched beside its correction is no phrase word
    const list = phrases(shownAs), words = requiredWords(shownAs).map((w) => w.word).join(" ");
    if (!found.all) return { results: found.results, query: text, notice: notice("No paper has all of \u201c" + words + "\u201d; papers with some of them:") };
    if (!list.length || !found.results.length || !manifest.positions) return { results: found.results, query: text, notice: notice("") };
    const positions = readPositions(manifest, await this.fetch(manifest.positions));
    const matched = withPhrases(found.results, await this.load(phraseFiles(positions, list)), list);
    if (matched.length) return { results: matched, query: text, notice: notice("") };
    const quoted = list.map((p) => "\u201c" + p.text + "\u201d").join(", ");
    return { results: found.results, query: text, notice: notice("No paper has the phrase " + quoted + "; papers with all of its words:") };
  }

  /** What the results with these refs (paper numbers) show, from the store chunks they fall in. */
  async papers(refs) {
    const store = this.manifest.store;
    const lists = await Promise.all(refs.map((ref) => this.fetch(store.files[Math.floor(Number(ref) / store.chunk)])));
    return refs.map((ref, i) => lists[i][Number(ref) % store.chunk]);
  }
}
