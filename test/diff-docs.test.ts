import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatClassificationTable } from "../src/diff/classify.js";
import { formatMarkdown } from "../src/diff/format-markdown.js";
import { diffSides } from "../src/diff/report.js";
import { applyDocExample, textSide } from "./helpers/diff.js";

const page = readFileSync("docs/diff.md", "utf8");

test("docs/diff.md shows the classification table of the code", () => {
  assert.ok(page.includes(formatClassificationTable()), "run `npx tsx scripts/diff-docs.ts`");
});

test("docs/diff.md's example is what diff prints for it today", async () => {
  const base = readFileSync("examples/end-to-end-encryption/mesh-security.yaml", "utf8");
  const report = await diffSides(textSide("origin/main:mesh-security.yaml", base), textSide("mesh-security.yaml", applyDocExample(base)));
  assert.equal(report.diagnostics.filter((d) => d.severity === "error"), []);
  const markdown = formatMarkdown(report);
  assert.ok(report.changes.some((c) => c.class.includes("weakening")), "the example shows a weakening");
  assert.ok(page.includes(markdown), `run \`npx tsx scripts/diff-docs.ts\`:\n${markdown}`);
});

test.run();
