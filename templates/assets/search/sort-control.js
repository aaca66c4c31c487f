/* The search page's sort control: a link per order (../orders.js: the same words as the list pages' "Order:" links),
   each to this search in that order from its first page, the current one marked. Plain links, so they work from
   the keyboard and open in a new tab; a plain click calls `pick` instead, which re-sorts in place and keeps the
   choice in the URL (?q=...&sort=upvotes). Imported by the search page alone: the header box needs none of it. */
export { orderOf, withOrder } from "../orders.js";
import { ORDERS, withOrder } from "../orders.js";

/** Fills `nav` with the orders for the page at `href` (its "n", how many are shown, dropped), `current` marked. */
export function drawOrders(nav, href, current, pick) {
  const doc = nav.ownerDocument;
  const here = new URL(href);
  here.searchParams.delete("n");
  const label = doc.createElement("span");
  label.className = "sort-label";
  label.textContent = "Order:";
  const items = [label];
  Object.keys(ORDERS).forEach((key, i) => {
    if (i) {
      const dot = doc.createElement("span");
      dot.setAttribute("aria-hidden", "true");
      dot.textContent = "\u00b7";
      items.push(doc.createTextNode(" "), dot);
    }
    const link = doc.createElement("a");
    link.textContent = ORDERS[key];
    link.setAttribute("href", withOrder(here.href, key));
    link.setAttribute("data-order", key);
    if (key === current) link.setAttribute("aria-current", "page");
    link.addEventListener("click", (event) => {
      if (event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab or window
      event.preventDefault();
      pick(key);
    });
    items.push(doc.createTextNode(" "), link);
  });
  nav.replaceChildren(...items);
}
