// Copy GOV.UK Frontend's ES module bundle into ../static/govuk/.
// The trailing `//# sourceMappingURL=` comment is dropped because we do not
// ship the .map file, and Django's ManifestStaticFilesStorage (used by
// WhiteNoise) fails collectstatic on references to missing files.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const src = "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js";
const dest = "../static/govuk/govuk-frontend.min.js";

const js = readFileSync(src, "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
if (js.includes("sourceMappingURL")) {
  throw new Error("sourceMappingURL still present in " + src);
}
mkdirSync("../static/govuk", { recursive: true });
writeFileSync(dest, js);
console.log(`copied ${src} -> ${dest} (${js.length} bytes)`);
