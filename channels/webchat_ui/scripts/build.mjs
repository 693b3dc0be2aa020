// Builds dist/: the page, our script and styles (fingerprinted, so they can be cached for a year),
// and the NHS.UK frontend stylesheet and icons, all served locally by channels/webchat.py (no CDN).
//
// Run: npm ci --no-audit --no-fund && npm run build
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(here, "src");
const dist = join(here, "dist");
const require = createRequire(import.meta.url);
const nhsuk = join(dirname(require.resolve("nhsuk-frontend/package.json")), "dist", "nhsuk");

// NHS.UK fonts (Frutiger) are licensed for assets.nhs.uk only and are not in the npm package; the
// frontend's own font stack falls back to Arial, so the remote @font-face rules are dropped.
function localNhsukCss() {
  const css = readFileSync(join(nhsuk, "nhsuk-frontend.min.css"), "utf8");
  const local = css
    .replace(/@font-face\{[^}]*https?:\/\/[^}]*\}/g, "")
    .replaceAll("url(/assets/images/", "url(images/");
  const remote = local.match(/url\((?:["']?)(?:https?:)?\/\/[^)]*\)/g);
  if (remote) {
    throw new Error(`nhsuk-frontend CSS still references remote assets: ${remote.join(", ")}`);
  }
  return local;
}

function fingerprinted(name, content) {
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 12);
  const dot = name.lastIndexOf(".");
  const hashedName = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  writeFileSync(join(dist, "static", hashedName), content);
  return hashedName;
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "static", "images"), { recursive: true });

for (const image of readdirSync(join(nhsuk, "assets", "images"))) {
  copyFileSync(join(nhsuk, "assets", "images", image), join(dist, "static", "images", image));
}

const names = {
  NHSUK_CSS: fingerprinted("nhsuk-frontend.min.css", localNhsukCss()),
  CHAT_CSS: fingerprinted("chat.css", readFileSync(join(src, "chat.css"))),
  CHAT_JS: fingerprinted("chat.js", readFileSync(join(src, "chat.js"))),
};

let page = readFileSync(join(src, "index.html"), "utf8");
for (const [placeholder, name] of Object.entries(names)) {
  page = page.replaceAll(`{{${placeholder}}}`, `static/${name}`);
}
if (/\{\{[A-Z_]+\}\}/.test(page)) {
  throw new Error("index.html has a placeholder the build does not know");
}
writeFileSync(join(dist, "index.html"), page);
console.log(`webchat_ui built: ${Object.values(names).join(", ")}`);
