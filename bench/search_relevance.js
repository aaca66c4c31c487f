// The relevance benchmark's runner (bench/search_relevance.py writes its jobs): every query through our page's
// own search code (templates/assets/search/search.js's Search over the shards of the built site) and through Pagefind's own search
// (pagefind.js over the Pagefind index of the same built site), in one node process.
// Both engines fetch through the same stand-in for fetch, which reads the built files from disk and notes
// each one: what a query fetches, from a cold start, is what a browser with an empty cache would download.
// Usage: node bench/search_relevance.js JOBS.json OUT.json
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { phraseFiles, phrases, withPhrases } from "../templates/assets/search/phrases.js";
import { Search } from "../templates/assets/search/search.js";
import { readManifest, readPositions, shardFiles } from "../templates/assets/search/shards.js";
import { find } from "../templates/assets/search/words.js";

const SHOWN = 10; // results whose details a query fetches (store chunks, Pagefind fragments), and that are judged

const gzipped = new Map();
/** Bytes a file costs over the wire: its gzip size (level 6, as static hosts serve), or its size when already gzipped. */
function wireBytes(file) {
  if (!gzipped.has(file)) {
    const data = fs.readFileSync(file);
    gzipped.set(file, data[0] === 0x1f && data[1] === 0x8b ? data.length : zlib.gzipSync(data, { level: 6 }).length);
  }
  return gzipped.get(file);
}

let fetched = [];
globalThis.fetch = async (input) => {
  const url = new URL(String(input));
  const file = fileURLToPath(url.protocol === "file:" ? new URL(url.pathname, "file://") : url);
  fetched.push(file);
  const data = fs.readFileSync(file);
  return new Response(data, { status: 200, headers: { "content-type": file.endsWith(".json") ? "application/json" : "application/octet-stream" } });
};

function bytesOf(files) {
  return [...new Set(files)].reduce((sum, f) => sum + wireBytes(f), 0);
}

/** Starts an engine and runs the query from nothing loaded (cold), then again (warm): times, and the files fetched cold. */
async function timed(start, run) {
  fetched = [];
  let t = performance.now();
  const engine = await start();
  const cold = await run(engine);
  const coldMs = performance.now() - t;
  const files = fetched.slice();
  t = performance.now();
  await run(engine);
  return { engine, cold, coldMs, warmMs: performance.now() - t, files };
}

/** Our site: the page's Search (manifest, shards, store chunks) from a cold start, then the same query warm. */
async function ours(build, query) {
  // every module of the page's search: the widget every page loads and those it imports on first use
  const engine = fs.readdirSync(path.join(build, "assets", "search")).filter((n) => n.endsWith(".js")).map((n) => path.join(build, "assets", "search", n));
  const manifestUrl = pathToFileURL(path.join(build, "search", "manifest.json")).href;
  const run = async (s) => {
    const answer = await s.query(query);
    const results = Array.isArray(answer) ? answer : answer.results;
    const papers = await s.papers(results.slice(0, SHOWN).map((r) => r.ref));
    return { answer, results, urls: papers.map((p) => p.u.replace(/^\/+/, "")) };
  };
  const { cold, coldMs, warmMs, files } = await timed(() => Search.open(manifestUrl), run);
  const notice = Array.isArray(cold.answer) ? "" : cold.answer.notice || "";
  return { urls: cold.urls, total: cold.results.length, notice, engineBytes: bytesOf(engine), indexBytes: bytesOf(files), files: new Set(files).size, coldMs, warmMs };
}

let instance = 0;
/** Pagefind: a fresh pagefind.js (its own module instance, nothing cached) per query, then the same query warm. */
async function pagefind(bundle, query) {
  const script = path.join(bundle, "pagefind.js");
  const copy = path.join(bundle, `pagefind.bench.mjs`);
  if (!fs.existsSync(copy)) fs.copyFileSync(script, copy); // node loads ES modules by extension
  const run = async (pf) => {
    const found = await pf.search(query);
    const data = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
    // Pagefind builds result URLs on its base path: keep the site-relative part, as our store holds it
    return { total: found.results.length, urls: data.map((d) => d.url.slice(d.url.indexOf("/papers/") + 1)) };
  };
  const { engine: pf, cold, coldMs, warmMs, files } = await timed(async () => {
    const pf = await import(pathToFileURL(copy).href + `?instance=${instance++}`);
    await pf.options({ basePath: pathToFileURL(bundle).href + "/" });
    return pf;
  }, run);
  await pf.destroy?.();
  return { urls: cold.urls, total: cold.total, notice: "", engineBytes: bytesOf([script, ...files.filter((f) => f.endsWith(".pagefind"))]),
           indexBytes: bytesOf(files.filter((f) => !f.endsWith(".pagefind"))), files: new Set(files).size, coldMs, warmMs };
}

/** A quoted phrase two ways: the position shards it loads (what the page does), and the alternative, a check
    against the text: the title and abstract of every paper with all its words, in chunks of 64 papers as the store. */
function phrasePayload(build, text) {
  const dir = path.join(build, "search");
  const manifest = readManifest(JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")));
  const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
  const candidates = find(manifest, shardFiles(manifest, text).map(read), text).results;
  const list = phrases(text);
  const files = [manifest.positions, ...phraseFiles(readPositions(manifest, read(manifest.positions)), list)];
  const kept = withPhrases(candidates, files.slice(1).map(read), list);
  const chunks = [...new Set(candidates.map((r) => Math.floor(Number(r.ref) / manifest.store.chunk)))];
  return { query: text, candidates: candidates.length, matches: kept.length,
           positionBytes: bytesOf(files.map((f) => path.join(dir, f))), textBytes: chunks.reduce((n, c) => n + textChunk(build, manifest, c), 0) };
}

const texts = new Map();
function textChunk(build, manifest, chunk) {
  const key = build + "#" + chunk;
  if (!texts.has(key)) {
    const papers = JSON.parse(fs.readFileSync(path.join(build, "data", "papers.json"), "utf8"));
    const part = papers.slice(chunk * manifest.store.chunk, (chunk + 1) * manifest.store.chunk).map((p) => ({ t: p.title, a: p.abstract }));
    texts.set(key, zlib.gzipSync(Buffer.from(JSON.stringify(part)), { level: 6 }).length);
  }
  return texts.get(key);
}

async function main() {
  const [jobsPath, outPath] = process.argv.slice(2);
  const jobs = JSON.parse(fs.readFileSync(jobsPath, "utf8"));
  const out = { runs: [], phrases: [] };
  for (const job of jobs) {
    for (const q of job.queries) {
      out.runs.push({ set: q.set, query: q.query, ours: await ours(job.build, q.query), pagefind: await pagefind(job.pagefind, q.query) });
    }
    for (const text of job.phrases) out.phrases.push({ site: job.name, ...phrasePayload(job.build, text) });
  }
  fs.writeFileSync(outPath, JSON.stringify(out));
}

main().catch((error) => { console.error(error); process.exit(1); });
