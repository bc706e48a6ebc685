import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CODES } from "../src/diagnostics/codes.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { EXAMPLES_DIR, exampleCases } from "./helpers/examples.js";
import { compileText } from "./helpers/policy.js";

for (const [code, policy] of Object.entries(DIAGNOSTIC_EXAMPLES)) {
  test(`${code} example produces ${code}`, async () => {
    assert.ok(code in CODES, `${code} is not in the code table`);
    const result = await compileText(policy);
    assert.ok(result.diagnostics.some((d) => d.code === code), `got ${result.diagnostics.map((d) => d.code).join(", ") || "nothing"}`);
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

// Codes that no example runs yet: they need state on disk, a previous output, an I/O failure,
// manifests to verify or several policy files (extends), which a one-policy example cannot give. Each is still named by some test (checked
// below); the list may only shrink: a new code comes with an example that runs.
const NO_RUNNING_EXAMPLE_YET = new Set([
  "MS1009", "MS1012", "MS1014", "MS1020", "MS1021", "MS1024", "MS2117", "MS2118", "MS2203", "MS2204", "MS2205", "MS2207", "MS2208", "MS2209", "MS2210", "MS2211", "MS2212", "MS2254",
  "MS2301", "MS2302", "MS2304", "MS2308", "MS2310", "MS2311", "MS2312", "MS2313", "MS2314", "MS2315", "MS2316",
  "MS2401", "MS2402", "MS2403", "MS2404", "MS2405", "MS2406", "MS2407",
  "MS3001", "MS3002", "MS3003", "MS3004", "MS3005", "MS3006", "MS3007", "MS3008", "MS3009", "MS3010", "MS3011", "MS3012", "MS3013", "MS3020", "MS3021", "MS3022",
  "MS4001", "MS4002", "MS4003", "MS4004", "MS4005", "MS4006", "MS4007", "MS4008", "MS4010", "MS4011", "MS4020",
  // Added by the parallel work merged on 2026-12-05 (sealed output, locks, suppressions, diff):
  "MS2018", "MS2019", "MS2020", "MS3023", "MS3024", "MS3025", "MS4040", "MS4050", "MS4051", "MS4052",
  "MS5001", "MS5002", "MS5010", "MS5020", "MS5021", "MS5022", "MS5030", "MS5035", "MS5040", "MS5041", "MS5045", "MS5046",
  "MS5050", "MS5051", "MS5052", "MS5053", "MS5055", "MS5056", "MS5057", "MS5058", "MS5059", "MS5060", "MS5061", "MS5062", "MS5063", "MS5065", "MS5066", "MS5067",
  "MS5070", "MS5071", "MS5075", "MS5076", "MS5080",
]);

test("every code has an example that runs (a policy above, or an example directory), but the listed ones", () => {
  const shown = codesOfExampleDirectories();
  const runs = (code: string): boolean => code in DIAGNOSTIC_EXAMPLES || shown.has(code);
  const missing = Object.keys(CODES).filter((code) => !runs(code) && !NO_RUNNING_EXAMPLE_YET.has(code));
  assert.equal(missing, [], "codes without an example that runs: add one to test/fixtures/diagnostic-examples.ts");
  const stale = [...NO_RUNNING_EXAMPLE_YET].filter((code) => !(code in CODES) || runs(code));
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
  const unnamed = [...NO_RUNNING_EXAMPLE_YET].filter((code) => !text.includes(`"${code}"`) && !text.includes(` ${code} `) && !new RegExp(`\\b${code}\\b`).test(text));
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
