// The fixture the module tests read: a sharded index (site_src/outputs/search) with, as the oracle, the `lunr` package's index
// of the same documents (refs "0".."n-1") loaded in lunr.js, and the documents themselves. From
// SHARD_PARITY=<dir> (tests/js/shard_parity.py writes it; tests/test_search.py passes the seed site's and a
// generated corpus's) or, alone (`node --test tests/js/`), written for the seed site first. Not a test file itself.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readManifest } from "../../templates/assets/search/shards.js";
import { stem } from "../../templates/assets/search/stemmer.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
export const lunr = createRequire(import.meta.url)(path.join(ROOT, "node_modules", "lunr"));

function fixtureDir() {
  if (process.env.SHARD_PARITY) return process.env.SHARD_PARITY;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "shard-parity-"));
  const python = process.env.PYTHON || path.join(ROOT, ".venv", "bin", "python");
  execFileSync(python, [path.join(HERE, "shard_parity.py"), out], { cwd: ROOT, stdio: "inherit" });
  return out;
}

export const dir = fixtureDir();
export const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
const cache = {};
/** A file under the fixture, parsed once. */
export const file = (name) => cache[name] || (cache[name] = read(name));
export const manifest = readManifest(read("manifest.json"));
export const documents = read("documents.json");

// lunr.js with the index's stemmer (lunr.py's; tests/test_stemmer.py checks stem against it word by word)
function indexStemmer(token) { return token.update(stem); }
indexStemmer.label = "stemmer";
lunr.Pipeline.registeredFunctions.stemmer = indexStemmer;
export const reference = lunr.Index.load(read("reference.json"));

/** The words of text, written from the spec (not from the page's code): lowercased, accents off (NFKD, marks
    dropped), an arXiv / Hugging Face URL or a versioned id read as the bare id, split at spaces, hyphens and query
    syntax, edge punctuation off, each once, at most 12. */
function specWords(text) {
  const plain = String(text).toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
    .replace(/(?:https?:\/\/)?(?:arxiv\.org\/(?:abs|pdf)\/|huggingface\.co\/papers\/|arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/g, "$1");
  return [...new Set(plain.split(/[\s\-:^~*+]+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")).filter(Boolean))].slice(0, 12);
}

/** The oracle's clauses for text: every word (specWords), stemmed; the last one also a trailing wildcard while it is
    typed (2+ characters, no space after). Returns lunr's results on the `lunr` package's index. */
export function lunrQuery(text) {
  const words = specWords(text);
  if (!words.length) return [];
  const last = words[words.length - 1], typing = !/\s$/.test(text) && Array.from(last).length >= 2;
  return reference.query((q) => {
    for (const w of words) q.term(w);
    if (typing) q.term(last, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
  });
}

/** The words a paper must have, from the spec: the query's words less lunr.js's stop words and less a last word of
    one character still being typed; each with its stem, and the last as a prefix while typed. */
export function oracleWords(text) {
  const words = specWords(text);
  const last = words[words.length - 1], typed = /\s$/.test(text);
  return words.filter((w) => lunr.stopWordFilter(new lunr.Token(w, {})) && !(w === last && !typed && Array.from(w).length < 2))
    .map((w) => ({ word: w, stem: stem(w), prefix: w === last && !typed ? w : null }));
}

/** The index's trimmer (the `lunr` Python package's): a token that is one run of word characters with only non-word
    ones around it becomes that run; any other token stays as it is ("9.5%" stays, "(models)," becomes "models"). */
export function indexTrim(token) {
  const run = /^[^\p{L}\p{N}_]*?([\p{L}\p{N}_]+)[^\p{L}\p{N}_]*?$/u.exec(token);
  return run ? run[1] : token;
}
