import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CODES } from "../src/diagnostics/codes.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { exampleCases } from "./helpers/examples.js";
import { compileText } from "./helpers/policy.js";

for (const [code, policy] of Object.entries(DIAGNOSTIC_EXAMPLES)) {
  test(`${code} example produces ${code}`, async () => {
    assert.ok(code in CODES, `${code} is not in the code table`);
    const result = await compileText(policy);
    assert.ok(result.diagnostics.some((d) => d.code === code), `got ${result.diagnostics.map((d) => d.code).join(", ") || "nothing"}`);
  });
}

test("every code in the table is exercised by some test or example", () => {
  const corpus: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|txt)$/.test(entry.name)) corpus.push(readFileSync(full, "utf8"));
    }
  };
  walk("test");
  for (const example of exampleCases()) {
    try {
      corpus.push(readFileSync(join("examples", example, "expected.diagnostics.txt"), "utf8"));
    } catch {
      // no diagnostics for this example
    }
  }
  const text = corpus.join("\n");
  const untested = Object.keys(CODES).filter((code) => !(code in DIAGNOSTIC_EXAMPLES) && !text.includes(`"${code}"`) && !text.includes(` ${code} `));
  assert.equal(untested, [], "codes without a test");
});

test("every code used in the source is in the code table", () => {
  const used = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) for (const m of readFileSync(full, "utf8").matchAll(/"(MS\d{4})"/g)) used.add(m[1] ?? "");
    }
  };
  walk("src");
  assert.equal([...used].filter((c) => !(c in CODES)), []);
});

test.run();
