/* The stemmer the index was built with: the `lunr` Python package's Porter stemmer (Martin Porter's reference
   algorithm), line for line (site_src/search/stemmer.py; tests/test_stemmer.py compares the two on every word of the
   corpora). lunr.js 2.3.9's own stemmer differs on words ending in a vowel and "y" ("key", "survey", "display"). */
function hasKey(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

/** The index term of one lowercased word. */
export function stem(word) {
  if (!/[\uD800-\uDFFF]/.test(word)) return porter(word);
  // Python counts code points: stand each one outside the BMP in for a private-use character, and back
  var astral = [], text = Array.from(word).map(function (ch) {
    if (ch.length === 1) return ch;
    astral.push(ch);
    return String.fromCharCode(0xe000 + astral.length - 1);
  }).join("");
  return porter(text).replace(/[\ue000-\uf8ff]/g, function (ch) { return astral[ch.charCodeAt(0) - 0xe000] || ch; });
}

var STEP2 = { a: ["ational", "ate", "tional", "tion"], c: ["enci", "ence", "anci", "ance"], e: ["izer", "ize"],
  l: ["bli", "ble", "alli", "al", "entli", "ent", "eli", "e", "ousli", "ous"], o: ["ization", "ize", "ation", "ate", "ator", "ate"],
  s: ["alism", "al", "iveness", "ive", "fulness", "ful", "ousness", "ous"], t: ["aliti", "al", "iviti", "ive", "biliti", "ble"], g: ["logi", "log"] };
var STEP3 = { e: ["icate", "ic", "ative", "", "alize", "al"], i: ["iciti", "ic"], l: ["ical", "ic", "ful", ""], s: ["ness", ""] };
var STEP4 = { a: ["al"], c: ["ance", "ence"], e: ["er"], i: ["ic"], l: ["able", "ible"], n: ["ant", "ement", "ment", "ent"],
  o: ["ion", "ou"], s: ["ism"], t: ["ate", "iti"], u: ["ous"], v: ["ive"], z: ["ize"] };

/** lunr.py's PorterStemmer.stem on a string of BMP characters: b is its buffer, k its end, j the offset. */
function porter(word) {
  var b = word, k = b.length - 1, j = 0;
  if (k <= 1) return word;
  function cons(i) {
    var ch = b.charCodeAt(i);
    if (ch === 97 || ch === 101 || ch === 105 || ch === 111 || ch === 117) return false;
    if (ch === 121) return i === 0 ? true : !cons(i - 1);
    return true;
  }
  function m() {
    var n = 0, i = 0;
    for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
    i++;
    for (;;) {
      for (;;) { if (i > j) return n; if (cons(i)) break; i++; }
      i++;
      n++;
      for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
      i++;
    }
  }
  function vowelInStem() { for (var i = 0; i <= j; i++) if (!cons(i)) return true; return false; }
  function doublec(at) { return at >= 1 && b[at] === b[at - 1] && cons(at); }
  function cvc(i) {
    if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
    return b[i] !== "w" && b[i] !== "x" && b[i] !== "y";
  }
  function ends(s) {
    var n = s.length;
    if (s[n - 1] !== b[k] || n > k + 1 || b.substring(k - n + 1, k + 1) !== s) return false;
    j = k - n;
    return true;
  }
  function setto(s) {
    b = b.slice(0, j + 1) + s + b.slice(j + s.length + 1);
    k = j + s.length;
  }
  function r(s) { if (m() > 0) setto(s); }
  function before() { return b[k - 1 >= 0 ? k - 1 : b.length + k - 1]; } // Python's b[k - 1], from the end when k is 0
  function first(pairs) { // the first suffix that ends the word is replaced (if m() > 0); the others are not tried
    for (var i = 0; i < pairs.length; i += 2) if (ends(pairs[i])) { r(pairs[i + 1]); return; }
  }
  // step 1ab
  if (b[k] === "s") {
    if (ends("sses")) k -= 2;
    else if (ends("ies")) setto("i");
    else if (before() !== "s") k -= 1;
  }
  if (ends("eed")) {
    if (m() > 0) k -= 1;
  } else if ((ends("ed") || ends("ing")) && vowelInStem()) {
    k = j;
    if (ends("at")) setto("ate");
    else if (ends("bl")) setto("ble");
    else if (ends("iz")) setto("ize");
    else if (doublec(k)) { k -= 1; if (b[k] === "l" || b[k] === "s" || b[k] === "z") k += 1; }
    else if (m() === 1 && cvc(k)) setto("e");
  }
  // step 1c
  if (ends("y") && vowelInStem()) b = b.slice(0, k) + "i" + b.slice(k + 1);
  // steps 2 and 3
  if (hasKey(STEP2, before())) first(STEP2[before()]);
  if (hasKey(STEP3, b[k])) first(STEP3[b[k]]);
  // step 4
  var suffixes = hasKey(STEP4, before()) ? STEP4[before()] : [], cut = false;
  for (var s = 0; s < suffixes.length; s++) {
    if (!ends(suffixes[s])) continue;
    cut = suffixes[s] !== "ion" || b[j] === "s" || b[j] === "t";
    break;
  }
  if (cut && m() > 1) k = j;
  // step 5
  j = k;
  if (b[k] === "e") { var a = m(); if (a > 1 || (a === 1 && !cvc(k - 1))) k -= 1; }
  if (b[k] === "l" && doublec(k) && m() > 1) k -= 1;
  return b.slice(0, k + 1);
}

