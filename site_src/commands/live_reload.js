// digest serve only (the server adds this script to each page it serves; no built site holds it): reloads the
// open page after each rebuild, and shows a failed build's error over the page until a build succeeds again.
const STATUS = "/__digest__/status";
const EVERY_MS = 500;
let seen = null;
let box = null;

function show(error) {
  if (!error) {
    box?.remove();
    box = null;
    return;
  }
  if (!box) {
    box = document.createElement("pre");
    box.id = "digest-serve-error";
    box.setAttribute("role", "alert");
    // Set through the CSSOM, which the pages' style-src policy allows (a style attribute it would block).
    Object.assign(box.style, {
      position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "2147483647", margin: "0", padding: "1em",
      maxHeight: "50vh", overflow: "auto", whiteSpace: "pre-wrap", font: "14px/1.4 monospace",
      background: "#7f1d1d", color: "#fff",
    });
    document.body.append(box);
  }
  box.textContent = `digest serve: the last build failed; this is the previous one.\n${error}`;
}

async function poll() {
  try {
    const answer = await fetch(STATUS, { cache: "no-store" });
    const status = await answer.json();
    if (seen !== null && status.generation !== seen && !status.error) {
      location.reload();
      return;
    }
    seen = status.generation;
    show(status.error);
  } catch {
    // the server is restarting or gone: ask again
  }
  setTimeout(poll, EVERY_MS);
}

poll();
