// Refresh the generated parts of docs/diff.md: the classification table and the example Markdown
// (`npx tsx scripts/diff-docs.ts`; test/diff-docs.test.ts fails when they are stale).
import { readFileSync, writeFileSync } from "node:fs";
import { formatMarkdown } from "../src/diff/format-markdown.js";
import { formatClassificationTable } from "../src/diff/classify.js";
import { diffSides } from "../src/diff/report.js";
import { applyDocExample, textSide } from "../test/helpers/diff.js";
const base = readFileSync("examples/end-to-end-encryption/mesh-security.yaml", "utf8");
const r = await diffSides(textSide("origin/main:mesh-security.yaml", base), textSide("mesh-security.yaml", applyDocExample(base)));
let page = readFileSync("docs/diff.md", "utf8");
const t0 = page.indexOf("| property | direction |"); const t1 = page.indexOf("\n## Formats");
page = page.slice(0, t0) + formatClassificationTable() + page.slice(t1);
const m0 = page.indexOf("**mesh-security diff** `origin/main"); const m1 = page.indexOf("\n## In CI");
page = page.slice(0, m0) + formatMarkdown(r) + page.slice(m1);
writeFileSync("docs/diff.md", page);
