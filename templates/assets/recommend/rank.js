// Ranking for "For you": a linear SVM trained on the reader's starred papers against the rest, in the browser.
//
// The model is arxiv-sanity-lite's: a linear SVM with squared hinge loss, L2-regularized, C = 0.01, the classes
// weighted to balance (a few stars against hundreds of papers), with an intercept, as scikit-learn's LinearSVC
// (liblinear) fits it. It is fitted here by liblinear's dual coordinate descent (Hsieh et al., ICML 2008), which
// needs only sparse dot products: on 1,000 papers of 24 terms it takes a few milliseconds.
// Papers are {slug, ids: Int32Array, values: Float32Array} over the term numbers of a Vocabulary (vectors.js).
// Nothing here touches the page: the same code ranks in node (tests/js/, bench/recommend_eval.py).

export const C = 0.01;
// Feedback: the FEEDBACK best candidates of a first model join the stars as positives of weight FEEDBACK_WEIGHT,
// and the model is fitted again. Three stars name a theme thinly; the papers nearest them fill it in.
// bench/recommend_eval.py: +1 to +3 points of P@10 on each of its three theme sets.
export const FEEDBACK = 5;
export const FEEDBACK_WEIGHT = 0.5;

/** A seeded generator of floats in [0, 1) (mulberry32): the same stars give the same model on every visit. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dot(w, paper) {
  let sum = 0;
  for (let k = 0; k < paper.ids.length; k++) sum += w[paper.ids[k]] * paper.values[k];
  return sum;
}

/**
 * Fit the SVM: `positives` and `negatives` are papers; `dims` is the number of terms. Returns {weights, bias}.
 * Options: c (the cost, C), epochs (most passes), tolerance (stop when no coordinate moves the dual by more),
 * weights (each positive's weight, 1 where missing: it scales that paper's cost, as scikit-learn's sample_weight).
 */
export function train(positives, negatives, dims, { c = C, epochs = 300, tolerance = 1e-4, seed = 1, weights = [] } = {}) {
  const examples = positives.concat(negatives);
  const n = examples.length;
  const label = new Int8Array(n).fill(-1);
  label.fill(1, 0, positives.length);
  // class_weight="balanced": each class weighs n / (2 × its size), so three stars count as much as the rest
  const cost = [c * n / (2 * Math.max(negatives.length, 1)), c * n / (2 * Math.max(positives.length, 1))];
  const w = new Float64Array(dims + 1); // the last weight is the intercept, on a constant feature 1
  const alpha = new Float64Array(n);
  const diag = new Float64Array(n);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    diag[i] = 0.5 / (cost[label[i] > 0 ? 1 : 0] * (label[i] > 0 && weights[i] !== undefined ? weights[i] : 1));
    let norm = 1; // the constant feature
    for (const v of examples[i].values) norm += v * v;
    q[i] = norm + diag[i];
  }
  const order = Array.from({ length: n }, (_, i) => i);
  const next = random(seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) { // a new order each pass, as liblinear shuffles
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let largest = 0;
    for (const i of order) {
      const paper = examples[i];
      const y = label[i];
      const gradient = y * (dot(w, paper) + w[dims]) - 1 + diag[i] * alpha[i];
      const projected = alpha[i] === 0 ? Math.min(gradient, 0) : gradient;
      if (Math.abs(projected) <= 1e-12) continue;
      largest = Math.max(largest, Math.abs(projected));
      const before = alpha[i];
      alpha[i] = Math.max(before - gradient / q[i], 0);
      const step = (alpha[i] - before) * y;
      for (let k = 0; k < paper.ids.length; k++) w[paper.ids[k]] += step * paper.values[k];
      w[dims] += step;
    }
    if (largest < tolerance) break;
  }
  return { weights: w.subarray(0, dims), bias: w[dims] };
}

/** A paper's score under a model: how far it stands on the starred side. */
export function score(model, paper) {
  return dot(model.weights, paper) + model.bias;
}

/** The `count` terms of a paper that add most to its score: the reason shown beside a recommendation. */
export function reasons(model, paper, terms, count = 3) {
  const parts = [];
  for (let k = 0; k < paper.ids.length; k++) {
    const part = model.weights[paper.ids[k]] * paper.values[k];
    if (part > 0) parts.push([part, terms[paper.ids[k]]]);
  }
  parts.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1));
  return parts.slice(0, count).map((p) => p[1]);
}

/**
 * The candidates best for a reader, best first: [{paper, score, reasons}] for the `count` highest scores
 * (ties by slug), leaving out the starred ones. `starred` and `others` are papers; `terms` names term numbers.
 * The model learns the starred papers against the candidates and the others (every paper the page loaded).
 */
export function recommend(starred, candidates, others, terms, { count = 10, feedback = FEEDBACK, ...options } = {}) {
  const stars = new Set(starred.map((p) => p.slug));
  const seen = new Set(stars);
  const negatives = [];
  for (const paper of candidates.concat(others)) {
    if (!seen.has(paper.slug)) {
      seen.add(paper.slug);
      negatives.push(paper);
    }
  }
  if (!starred.length) return [];
  let model = train(starred, negatives, terms.length, options);
  let ranked = rankedBy(model, candidates, stars);
  if (feedback > 0) {
    const near = ranked.slice(0, feedback).map((r) => r.paper);
    const taken = new Set(near.map((p) => p.slug));
    const weights = starred.map(() => 1).concat(near.map(() => FEEDBACK_WEIGHT));
    model = train(starred.concat(near), negatives.filter((p) => !taken.has(p.slug)), terms.length, { ...options, weights });
    ranked = rankedBy(model, candidates, stars);
  }
  return ranked.slice(0, count).map((r) => ({ ...r, reasons: reasons(model, r.paper, terms) }));
}

/** The candidates but the starred ones, each once, by score under `model`, best first (ties by slug). */
function rankedBy(model, candidates, stars) {
  const ranked = candidates
    .filter((p) => !stars.has(p.slug))
    .map((paper) => ({ paper, score: score(model, paper) }))
    .sort((a, b) => b.score - a.score || (a.paper.slug < b.paper.slug ? -1 : a.paper.slug > b.paper.slug ? 1 : 0));
  return ranked.filter((r, i) => i === 0 || r.paper.slug !== ranked[i - 1].paper.slug);
}
