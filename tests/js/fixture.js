// The fixture tests/js/shards.test.js and find.test.js read: a sharded index with the unsharded lunr index of the
// same documents (refs "0".."n-1"), from SHARD_PARITY=<dir> (tests/js/shard_parity.py writes it) or, alone
// (`node --test tests/js/`), written for the seed site first. Not a test file itself.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const lunr = require(path.join(ROOT, "node_modules", "lunr"));
const search = require(path.join(ROOT, "templates", "assets", "search.js"));

function fixtureDir() {
  if (process.env.SHARD_PARITY) return process.env.SHARD_PARITY;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "shard-parity-"));
  const python = process.env.PYTHON || path.join(ROOT, ".venv", "bin", "python");
  execFileSync(python, [path.join(__dirname, "shard_parity.py"), out], { cwd: ROOT, stdio: "inherit" });
  return out;
}

const dir = fixtureDir();
const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
search.useStemmer(lunr); // the index's stemmer (lunr.py's), before any pipeline is loaded

module.exports = { lunr, search, dir, read, manifest: search.readManifest(read("manifest.json")), reference: lunr.Index.load(read("reference.json")) };
