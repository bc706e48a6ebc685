import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CODES } from "../src/diagnostics/codes.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { RUNNING_EXAMPLES } from "./fixtures/running-examples.js";
import { EXAMPLES_DIR, exampleCases } from "./helpers/examples.js";
import { compileText } from "./helpers/policy.js";
import { Workspace } from "./helpers/workspace.js";

for (const [code, policy] of Object.entries(DIAGNOSTIC_EXAMPLES)) {
  test(`${code} example produces ${code}`, async () => {
    assert.ok(code in CODES, `${code} is not in the code table`);
    const result = await compileText(policy);
    assert.ok(result.diagnostics.some((d) => d.code === code), `got ${result.diagnostics.map((d) => d.code).join(", ") || "nothing"}`);
  });
}

// Codes a policy text alone cannot produce: each example runs in its own temp directory, in process.
for (const [code, example] of Object.entries(RUNNING_EXAMPLES)) {
  test(`${code} example runs and produces ${code}`, async () => {
    assert.ok(code in CODES, `${code} is not in the code table`);
    assert.not.ok(code in DIAGNOSTIC_EXAMPLES, `${code} has a one-policy example already`);
    const w = new Workspace();
    try {
      if (example.policy !== undefined) w.write("mesh-security.yaml", example.policy);
      for (const [path, text] of Object.entries(example.files ?? {})) w.write(path, text);
      const reported = await (example.run ?? ((ws: Workspace) => ws.compile()))(w);
      assert.ok(reported.some((d) => d.code === code), `got ${reported.map((d) => d.code).join(", ") || "nothing"}`);
    } finally {
      w.remove();
    }
  });
}

/** Codes an example directory's expected diagnostics show: the golden test compiles those examples. */
function codesOfExampleDirectories(): Set<string> {
  const codes = new Set<string>();
  for (const example of exampleCases()) {
    const file = join(EXAMPLES_DIR, example, "expected.diagnostics.txt");
    if (existsSync(file)) for (const m of readFileSync(file, "utf8").matchAll(/\bMS\d{4}\b/g)) codes.add(m[0]);
  }
  return codes;
}

// Codes no example runs, each with the reason it cannot; the list may only shrink: a new code comes with an
// example that runs. Each is still named by some test (checked below).
const NO_RUNNING_EXAMPLE_YET = new Map([
  // A leftover staging directory that cannot be removed: root removes anything, so only an unprivileged
  // user shows it (test/safe-writes.test.ts runs that as uid 65534); no write hook reaches the removal.
  ["MS4050", "needs a non-root user"],
]);

test("every code has an example that runs (a policy, a running example, or an example directory), but the listed ones", () => {
  const shown = codesOfExampleDirectories();
  const runs = (code: string): boolean => code in DIAGNOSTIC_EXAMPLES || code in RUNNING_EXAMPLES || shown.has(code);
  const missing = Object.keys(CODES).filter((code) => !runs(code) && !NO_RUNNING_EXAMPLE_YET.has(code));
  assert.equal(missing, [], "codes without an example that runs: add one to test/fixtures/diagnostic-examples.ts (a policy) or test/fixtures/running-examples.ts");
  const stale = [...NO_RUNNING_EXAMPLE_YET.keys()].filter((code) => !(code in CODES) || runs(code));
  assert.equal(stale, [], "listed as without an example, but one runs (or the code is gone): take it off the list");
});

test("the codes without a running example are at least named by a test", () => {
  const corpus: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|txt)$/.test(entry.name) && full !== join("test", "diagnostic-examples.test.ts")) corpus.push(readFileSync(full, "utf8"));
    }
  };
  walk("test");
  const text = corpus.join("\n");
  const unnamed = [...NO_RUNNING_EXAMPLE_YET.keys()].filter((code) => !text.includes(`"${code}"`) && !text.includes(` ${code} `) && !new RegExp(`\\b${code}\\b`).test(text));
  assert.equal(unnamed, [], "codes no test names");
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
