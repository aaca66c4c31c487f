// Runs the browser's ranking (templates/assets/recommend/rank.js) on the trials bench/recommend_eval.py writes:
// node bench/recommend_rank.mjs IN.json OUT.json. IN: {dims, papers: [[ids], [values]], trials: [{stars, candidates, others}],
// options} (options: of rank.recommend, as {feedback: 0})
// (paper numbers); OUT: per trial the paper numbers of the ten recommendations, and the milliseconds each took.
import { readFileSync, writeFileSync } from "node:fs";
import { recommendModule } from "../tests/js/esm.mjs";

const rank = await recommendModule("rank");
const input = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const papers = input.papers.map(([ids, values], i) => ({ slug: String(i).padStart(8, "0"), ids: Int32Array.from(ids), values: Float32Array.from(values) }));
const terms = Array.from({ length: input.dims }, (_, i) => "t" + i);
const out = [];
for (const trial of input.trials) {
  const start = performance.now();
  const result = rank.recommend(trial.stars.map((i) => papers[i]), trial.candidates.map((i) => papers[i]), (trial.others || []).map((i) => papers[i]), terms, { ...input.options, count: 10 });
  out.push({ top: result.map((r) => Number(r.paper.slug)), ms: performance.now() - start });
}
writeFileSync(process.argv[3], JSON.stringify(out));
