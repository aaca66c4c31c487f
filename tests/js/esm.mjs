// The browser's ES modules of templates/assets/recommend/, imported in node. The site ships them as .js (every
// static server gives .js the JavaScript type a module script needs); node reads .js as CommonJS unless a
// package.json beside it says "module", and the assets folder must not ship one. So they are copied, as they
// are, into a temporary folder that says so, and imported from there.
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SOURCE = join(ROOT, "templates", "assets", "recommend");

let folder = null;

/** The module templates/assets/recommend/<name>.js, with its imports of its neighbours working. */
export async function recommendModule(name) {
  if (!folder) {
    folder = mkdtempSync(join(tmpdir(), "recommend-"));
    writeFileSync(join(folder, "package.json"), '{"type": "module"}\n');
    for (const file of readdirSync(SOURCE)) if (file.endsWith(".js")) copyFileSync(join(SOURCE, file), join(folder, file));
  }
  return import(pathToFileURL(join(folder, name + ".js")).href);
}
