import { mkdtempSync, rmSync, writeFileSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatDiagnostics } from "../src/diagnostics/format.js";
import { loadPolicy, MAX_POLICY_BYTES, parsePolicyText } from "../src/load/load-policy.js";

type Case = [name: string, { given: string; want: Array<[code: string, line: number, column: number]> }];

const cases: Case[] = [
  // At the bracket never closed, not where yaml noticed (the next line).
  ["unclosed flow map", { given: "a: 1\nb: { c: 2\n", want: [["MS1001", 2, 4]] }],
  // Points at the key that sits between two indentation levels.
  ["bad indentation", { given: "a:\n  b: 1\n c: 2\n", want: [["MS1001", 3, 2]] }],
  ["duplicate key", { given: "a: 1\na: 2\n", want: [["MS1001", 2, 1]] }],
  ["two documents", { given: "a: 1\n---\nb: 2\n", want: [["MS1011", 2, 1]] }],
  ["custom tag", { given: "a: !vault secret/x\n", want: [["MS1011", 1, 4]] }],
  ["non-string key", { given: "a:\n  ? [x]\n  : 1\n", want: [["MS1011", 2, 5]] }],
  // yaml composes this without error and throws only in toJS, unplaced: said at the alias, not as an alias bomb.
  ["alias before its anchor", { given: "a: *x\nb: &x 1\n", want: [["MS1001", 1, 4]] }],
];

for (const [name, { given, want }] of cases) {
  test(`load: ${name}`, () => {
    const result = parsePolicyText("policy.yaml", given);
    assert.not.ok(result.value);
    assert.equal(
      result.diagnostics.map((d) => [d.code, d.range?.start.line, d.range?.start.column]),
      want,
    );
  });
}

test("load: an alias bomb is refused, quickly", () => {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
  const started = Date.now();
  const result = parsePolicyText("bomb.yaml", lines.join("\n") + "\n");
  assert.equal(result.diagnostics.map((d) => d.code), ["MS1010"]);
  assert.ok(Date.now() - started < 2000);
});

test("load: an alias before its anchor names the alias", () => {
  const result = parsePolicyText("forward.yaml", "a: *x\nb: &x 1\n");
  assert.equal(result.diagnostics.map((d) => [d.message, d.hint]), [["alias *x is used before its anchor &x is set", "set `&x` on a node above this line, or write the value out"]]);
});

test("load: a custom tag is named as written, not as yaml expands it", () => {
  const result = parsePolicyText("tags.yaml", "a: !vault x\nb: !!foo y\n");
  assert.equal(result.diagnostics.map((d) => d.message), ["custom YAML tag !vault is not supported", "custom YAML tag !!foo is not supported"]);
});

test("load: a recursive alias is refused", () => {
  const result = parsePolicyText("loop.yaml", "a: &a\n  b: *a\n");
  assert.equal(result.diagnostics.map((d) => d.code), ["MS1010"]);
});

test("load: deep nesting is refused", () => {
  const depth = 200;
  const text = "a: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
  const result = parsePolicyText("deep.yaml", text);
  assert.ok(result.diagnostics.some((d) => d.code === "MS1014"), JSON.stringify(result.diagnostics.map((d) => d.code)));
});

test("load: a 100 MB file is refused before it is read", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-load-"));
  const file = join(dir, "huge.yaml");
  writeFileSync(file, "");
  truncateSync(file, 100 * 1024 * 1024); // sparse: no 100 MB written to disk
  const result = await loadPolicy(file);
  assert.equal(result.diagnostics.map((d) => [d.code, d.range?.start.line]), [["MS1009", 1]]);
  assert.match(result.diagnostics[0]?.message ?? "", new RegExp(String(MAX_POLICY_BYTES)));
  rmSync(dir, { recursive: true });
});

test("load: a missing file is MS1012", async () => {
  const result = await loadPolicy("/nonexistent/mesh-security.yaml");
  assert.equal(result.diagnostics.map((d) => d.code), ["MS1012"]);
});

test("load: valid YAML gives data and positions", () => {
  const result = parsePolicyText("ok.yaml", "metadata:\n  name: shop\nservices:\n  - name: a\n    port: 8443\n");
  assert.equal(result.diagnostics, []);
  assert.equal(result.value?.data, { metadata: { name: "shop" }, services: [{ name: "a", port: 8443 }] });
  const source = result.value?.source;
  assert.equal(source?.locate(["services", 0, "port"]).start, { line: 5, column: 11 });
  assert.equal(source?.locate(["services", 0, "port"], { key: true }).start, { line: 5, column: 5 });
  assert.equal(source?.locate(["metadata", "missing"]).start, { line: 1, column: 1 }, "missing key → nearest ancestor key");
});

test("format: text has file:line:column, code, frame and hint; github escapes", () => {
  const text = "metadata:\n  nam: shop\n";
  const d = { code: "MS1002" as const, severity: "error" as const, message: "unknown key `nam`", file: "p.yaml", path: ["metadata", "nam"], range: { start: { line: 2, column: 3 }, end: { line: 2, column: 6 } }, hint: "did you mean `name`?" };
  const out = formatDiagnostics([d], "text", new Map([["p.yaml", text]]));
  assert.match(out, /^p\.yaml:2:3 error MS1002 unknown key `nam`\n/);
  assert.match(out, / 2 \|   nam: shop\n   \|   \^\^\^\n/);
  assert.match(out, /hint: did you mean `name`\?/);
  const gh = formatDiagnostics([{ ...d, message: "a\nb, 100%" }], "github", new Map());
  assert.is(gh, "::error file=p.yaml,line=2,col=3,endColumn=6,title=MS1002::MS1002 a%0Ab, 100%25 (did you mean `name`?)\n");
  const json = JSON.parse(formatDiagnostics([d], "json", new Map())) as unknown[];
  assert.equal(json, [d]);
});

test.run();
