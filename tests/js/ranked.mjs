// The page's own search (templates/assets/search/search.js) over a built site's search/ folder, from node: reads
// queries as a JSON list on stdin, writes for each the URLs of its first 10 results and how many it found.
// Usage: node tests/js/ranked.mjs BUILD/search < queries.json   (tests/test_search_ranking.py runs it)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Search } from "../../templates/assets/search/search.js";

globalThis.fetch = async (url) => new Response(fs.readFileSync(fileURLToPath(String(url))));
const queries = JSON.parse(fs.readFileSync(0, "utf8"));
const search = await Search.open(pathToFileURL(path.join(process.argv[2], "manifest.json")).href);
const out = [];
for (const text of queries) {
  const { results, notice } = await search.query(text);
  const papers = await search.papers(results.slice(0, 10).map((r) => r.ref));
  out.push({ query: text, urls: papers.map((p) => p.u), found: results.length, notice });
}
process.stdout.write(JSON.stringify(out));
