import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CODES } from "../src/diagnostics/codes.js";
import { buildDocs } from "./helpers/docs.js";

test("docs/reference.md and docs/diagnostics.md are up to date (npm run docs)", async () => {
  for (const [path, content] of await buildDocs()) {
    let committed = "";
    try {
      committed = readFileSync(path, "utf8");
    } catch {
      // missing counts as stale
    }
    assert.ok(committed === content, `${path} is stale: run npm run docs and commit it`);
  }
});

test("every diagnostic code has a section in docs/diagnostics.md", () => {
  const text = readFileSync("docs/diagnostics.md", "utf8");
  for (const code of Object.keys(CODES)) assert.ok(text.includes(`## ${code} `), code);
});

test.run();
