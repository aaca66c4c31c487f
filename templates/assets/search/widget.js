/* The search box and the list it fills (the header's dropdown panel, or the search page's results): the one script
   every page loads. The search itself (./search.js and what it imports) is loaded on first use. Results are built
   from DOM text nodes and <mark> elements, never from HTML strings. */
import { EDGES, fold, queryTerms } from "./query.js";
import { stem } from "./stemmer.js";

const DEBOUNCE_MS = 150;
const PANEL_RESULTS = 8;
const PAGE_RESULTS = 50;

let loaded = null;
/** The page's Search, made once per page on first use from the manifest the form names. */
function load(form, win) {
  if (loaded) return loaded;
  const manifest = new URL(form.getAttribute("data-search-manifest"), win.location.href).href;
  loaded = import("./search.js").then((module) => module.Search.open(manifest));
  loaded.catch(() => { loaded = null; }); // let a later keystroke try again
  return loaded;
}

/** Appends text to parent, wrapping each word whose stem is among the matched index terms in <mark>. */
function appendHighlighted(parent, text, matched) {
  var doc = parent.ownerDocument;
  var plain = "";
  text.split(/([\s\-]+)/).forEach(function (piece, i) {
    var core = i % 2 ? "" : piece.replace(EDGES, "");
    var stemmed = core ? stem(fold(core.toLowerCase())) : "";
    if (!core || !Object.prototype.hasOwnProperty.call(matched, stemmed)) {
      plain += piece;
      return;
    }
    var start = piece.indexOf(core);
    plain += piece.slice(0, start);
    if (plain) parent.appendChild(doc.createTextNode(plain));
    var mark = doc.createElement("mark");
    mark.textContent = core;
    parent.appendChild(mark);
    plain = piece.slice(start + core.length);
  });
  if (plain) parent.appendChild(doc.createTextNode(plain));
}


function element(doc, tag, className, text) {
  var node = doc.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** "▲ 1,234" and, for screen readers, " upvotes": as the list pages show them (templates/_macros.html upvotes). */
function upvotes(doc, count) {
  var node = element(doc, "span", "upvotes");
  node.appendChild(element(doc, "span", "", "\u25b2 ")).setAttribute("aria-hidden", "true");
  node.appendChild(doc.createTextNode(count.toLocaleString("en-US")));
  node.appendChild(element(doc, "span", "visually-hidden", count === 1 ? " upvote" : " upvotes"));
  return node;
}

function resultItem(doc, search, root, result, paper) {
  var matched = result.matchData.metadata;
  var item = element(doc, "li", "paper");
  var link = element(doc, "a", "title");
  link.setAttribute("href", root + paper.u);
  appendHighlighted(link, paper.t, matched);
  item.appendChild(link);
  if (typeof paper.v === "number") {
    item.appendChild(doc.createTextNode(" "));
    item.appendChild(upvotes(doc, paper.v));
  }
  var chips = element(doc, "p", "chips");
  paper.k.forEach(function (label) { chips.appendChild(element(doc, "span", "chip", label)); });
  item.appendChild(chips);
  var snippet = element(doc, "p", "summary");
  appendHighlighted(snippet, paper.s, matched);
  item.appendChild(snippet);
  return item;
}

function setStatus(doc, status, text, link) {
  status.textContent = text;
  if (link) {
    status.appendChild(doc.createTextNode(" "));
    var a = element(doc, "a", "", link.text);
    a.setAttribute("href", link.href);
    status.appendChild(a);
    status.appendChild(doc.createTextNode("."));
  }
}

/** One search box and the list it fills: the header's dropdown panel, or the search page's results. */
function Widget(form, win) {
  var doc = win.document;
  this.form = form;
  this.win = win;
  this.input = form.querySelector("input[type=search]");
  this.list = doc.getElementById(this.input.getAttribute("aria-controls"));
  this.status = doc.getElementById(this.input.getAttribute("aria-describedby"));
  this.panel = this.list.closest(".search-panel");
  this.root = form.getAttribute("data-search-root");
  this.timer = null;
  this.shown = "";
  this.committed = true;  // the URL holds a query the reader asked for: the next change pushes
  this.more = this.panel ? null : doc.getElementById(this.list.id + "-more");
  this.sort = this.panel ? null : doc.getElementById(this.list.id + "-sort");  // the orders (search page only)
  this.order = "relevance";  // the order the results are shown in, from the URL
  this.orders = null;  // ./sort-control.js, imported by the search page alone: the header box on every other page needs none
  this.answer = null;  // the shown query's {results, query, notice}
  this.limit = 0;  // results shown
}

Widget.prototype.show = function (text, limit) {
  var self = this;
  var doc = this.win.document;
  var order = this.order;
  this.shown = text;
  this.answer = null;
  if (this.more) this.more.hidden = true;
  if (this.sort) this.sort.hidden = true;
  if (!queryTerms(text).length) {
    this.list.replaceChildren();
    setStatus(doc, this.status, this.panel ? "" : "Type words to search the titles, abstracts, topics and authors of every paper.");
    this.toggle(false);
    return Promise.resolve();
  }
  var search, answer;
  limit = this.panel ? PANEL_RESULTS : Math.max(PAGE_RESULTS, limit || 0);
  return load(this.form, this.win).then(function (loaded) {
    search = loaded;
    return self.shown === text ? search.query(text) : { results: [] };
  }).then(function (found) {
    // every result in the order asked (the fact file it needs is fetched then), so "Show more" goes on in it
    return self.shown === text && !self.panel ? search.sorted(found.results, order).then(function (results) {
      return { results: results, query: found.query, notice: found.notice };
    }) : found;
  }).then(function (found) {
    answer = found;
    return self.shown === text ? search.papers(answer.results.slice(0, limit).map(function (r) { return r.ref; })) : [];
  }).then(function (papers) {
    if (self.shown !== text || self.order !== order) return; // a newer query (or order) is on its way
    var results = answer.results;
    var items = papers.map(function (paper, i) { return resultItem(doc, search, self.root, results[i], paper); });
    self.list.replaceChildren.apply(self.list, items);
    self.list.setAttribute("data-query", text); // which query the list answers (typing runs several)
    if (self.sort) {
      self.list.setAttribute("data-order", order);
      self.sort.hidden = results.length < 2;
    }
    self.answer = answer;
    self.search = search;
    self.limit = items.length;
    var topics = { text: "Browse the topics", href: self.form.getAttribute("data-search-topics") };
    if (!results.length) {
      setStatus(doc, self.status, "No results for \u201c" + text.trim() + "\u201d.", topics);
    } else if (self.panel) {
      var more = { text: "All " + results.length + " results", href: self.form.getAttribute("data-search-page") + "?q=" + encodeURIComponent(text.trim()) };
      setStatus(doc, self.status, self.counted(), more);
    } else {
      self.counted();
    }
    self.toggle(true);
  }).catch(function () {
    if (self.shown !== text) return;
    self.list.replaceChildren();
    setStatus(doc, self.status, "Search could not load its index.", { text: "Browse the topics", href: self.form.getAttribute("data-search-topics") });
    self.toggle(true);
  });
};

/** The status line for the results shown: the notice (a correction, a fallback), how many papers, how many shown;
    and the "Show more" button, when more are left. Returns the line. */
Widget.prototype.counted = function () {
  var total = this.answer.results.length, shown = this.limit;
  var count = total === 1 ? "1 paper." : total + " papers" + (shown < total && !this.panel ? "; " + shown + " shown." : ".");
  var line = (this.answer.notice ? this.answer.notice + " " : "") + count;
  if (!this.panel) {
    setStatus(this.win.document, this.status, line);
    if (this.more) {
      this.more.hidden = shown >= total;
      this.more.textContent = "Show " + Math.min(PAGE_RESULTS, total - shown) + " more";
    }
  }
  return line;
};

/** The next PAGE_RESULTS results, appended; focus goes to the first of them, and the URL keeps how many are shown. */
Widget.prototype.showMore = function () {
  var self = this, answer = this.answer, search = this.search, from = this.limit, doc = this.win.document;
  if (!answer) return Promise.resolve();
  var refs = answer.results.slice(from, from + PAGE_RESULTS);
  return search.papers(refs.map(function (r) { return r.ref; })).then(function (papers) {
    if (self.answer !== answer) return;
    var items = papers.map(function (paper, i) { return resultItem(doc, search, self.root, refs[i], paper); });
    items.forEach(function (item) { self.list.appendChild(item); });
    self.limit = from + items.length;
    self.counted();
    self.remember(self.input.value, false);
    if (items.length) items[0].querySelector("a.title").focus();
  });
};

Widget.prototype.toggle = function (open) {
  if (this.panel) this.panel.hidden = !open;
};

Widget.prototype.links = function () {
  return Array.prototype.slice.call(this.list.querySelectorAll("a.title"));
};

Widget.prototype.onKey = function (event) {
  var links = this.links();
  var at = links.indexOf(this.win.document.activeElement);
  if (event.key === "ArrowDown" && links.length) {
    links[Math.min(at + 1, links.length - 1)].focus();
  } else if (event.key === "ArrowUp" && at >= 0) {
    (at === 0 ? this.input : links[at - 1]).focus();
  } else if (event.key === "Escape") {
    if (at >= 0 || (this.panel && !this.panel.hidden)) {
      this.toggle(false);
      this.input.focus();
    } else {
      this.input.value = "";
      this.changed(true);
    }
  } else {
    return;
  }
  event.preventDefault();
};

Widget.prototype.changed = function (now) {
  var self = this;
  clearTimeout(this.timer);
  var run = function () {
    self.show(self.input.value);
    if (!self.panel) {
      // The first change after a submitted (or opened) query starts a new history entry, so Back
      // returns to that query; later keystrokes update the new entry in place.
      self.remember(self.input.value, self.committed);
      self.committed = false;
    }
  };
  if (now) run();
  else this.timer = setTimeout(run, DEBOUNCE_MS);
};

/** The search page's URL follows the query, so it can be shared; each submitted query keeps its own history entry. */
Widget.prototype.remember = function (text, push) {
  var url = new URL(this.win.location.href);
  if (text.trim()) url.searchParams.set("q", text.trim());
  else url.searchParams.delete("q");
  // how many results are shown, once "Show more" was used: Back to this page shows as many
  if (this.answer && this.shown === text && this.limit > PAGE_RESULTS) url.searchParams.set("n", String(this.limit));
  else url.searchParams.delete("n");
  var href = this.orders ? this.orders.withOrder(url.href, this.order) : url.href;
  if (href !== this.win.location.href) this.win.history[push ? "pushState" : "replaceState"](null, "", href);
  this.orderLinks();
};

/** The sort control (search page only; ./sort-control.js) for the current URL and order. */
Widget.prototype.orderLinks = function () {
  var self = this;
  if (this.sort && this.orders) this.orders.drawOrders(this.sort, this.win.location.href, this.order, function (key) { self.pick(key); });
};

/** The reader picked an order: every result re-sorted, the first page shown, a history entry of its own. */
Widget.prototype.pick = function (order) {
  if (order === this.order) return;
  this.order = order;
  this.answer = null;  // the URL drops "n": the new order starts on its first page
  this.remember(this.input.value, true);  // redraws the links: focus stays on the one picked
  this.committed = true;
  this.sort.querySelector("a[data-order=\"" + order + "\"]").focus();
  return this.show(this.input.value);
};

Widget.prototype.attach = function () {
  var self = this;
  var win = this.win;
  this.input.addEventListener("input", function () { self.typed = true; self.changed(false); });
  var onKey = function (event) { self.onKey(event); };
  this.form.addEventListener("keydown", onKey);
  if (!this.form.contains(this.list)) this.list.addEventListener("keydown", onKey);
  if (this.panel) {
    this.input.addEventListener("click", function () { if (self.list.firstChild) self.toggle(true); });
    this.form.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !self.form.contains(event.relatedTarget)) self.toggle(false);
    });
    return;
  }
  this.form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(self.timer);
    self.remember(self.input.value, self.committed);
    self.committed = true;
    self.show(self.input.value);
  });
  if (this.more) this.more.addEventListener("click", function () { self.showMore(); });
  var fromURL = function () {
    var params = new URL(win.location.href).searchParams;
    self.committed = true;
    self.order = self.orders ? self.orders.orderOf(win.location.search) : "relevance";
    self.orderLinks();
    self.input.value = params.get("q") || "";
    self.show(self.input.value, Math.min(Number(params.get("n")) || 0, 100000));
  };
  var ready = function (orders) {
    self.orders = orders;  // null if it could not load: the results in relevance order, with no control
    win.addEventListener("popstate", fromURL);
    if (!self.typed) return fromURL();
    // The reader typed while the control loaded: their words stand (the URL's, read now, would erase them).
    self.order = orders ? orders.orderOf(win.location.search) : "relevance";
    self.changed(true);
  };
  import("./sort-control.js").then(ready, function () { ready(null); });
};

function start(doc, win) {
  for (const form of doc.querySelectorAll("form[data-search-manifest]")) new Widget(form, win).attach();
}

start(document, window);
