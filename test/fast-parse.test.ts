import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LineCounter, parseAllDocuments } from "yaml";
import { generatePolicy } from "../bench/generate-policy.js";
import { generateRealisticPolicy } from "../bench/generate-realistic.js";
import { parsePolicyText } from "../src/load/load-policy.js";
import { SourceMap } from "../src/load/source-map.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { exampleBases, exampleCases } from "./helpers/examples.js";
import { prng } from "./helpers/fuzz.js";
import { check, generate, OPTIONS } from "./helpers/parse-differential.js";
import { HEADER, MESH_CA_POLICY } from "./helpers/policy.js";

// The fast reader must agree with yaml exactly (data, key order, number vs string, every node's range)
// or decline: these tests compare the two on every policy text at hand and on generated YAML. The
// generated run here is a small sample; `npm run fuzz:parse` runs the same check at scale.

function assertAgrees(text: string, name: string): string {
  const outcome = check(text);
  if (outcome !== "accepted" && outcome !== "declined") assert.unreachable(`${name}: ${outcome}\n--- text ---\n${text}`);
  return outcome;
}

// Every case (a fleet's clusters included) and the bases they extend.
const examples = [...exampleCases().map((name) => join("examples", name, "mesh-security.yaml")), ...exampleBases()].map((file) => [file, readFileSync(file, "utf8")] as const);

test("fast parse: every example policy agrees with yaml, and none is declined", () => {
  for (const [name, text] of examples) assert.is(assertAgrees(text, name), "accepted", name);
});

test("fast parse: the bench policies are not declined, so the speed-up is real", () => {
  for (const n of [1, 2, 3, 10, 57]) {
    assert.is(assertAgrees(generateRealisticPolicy(n), `realistic ${n}`), "accepted");
    assert.is(assertAgrees(generatePolicy(n), `bench ${n}`), "accepted");
  }
});

test("fast parse: diagnostic examples and test policies agree or are declined", () => {
  for (const [code, text] of Object.entries(DIAGNOSTIC_EXAMPLES)) assertAgrees(text, code);
  assertAgrees(HEADER, "HEADER");
  assertAgrees(MESH_CA_POLICY, "MESH_CA_POLICY");
});

type Case = [name: string, { given: string; want: "accepted" | "declined" }];
const cases: Case[] = [
  ["plain map", { given: "a: b\nc: 1\n", want: "accepted" }],
  ["key with no value", { given: "a:\nb:   \n", want: "accepted" }],
  ["comments everywhere", { given: "# top\na: b # trailing\n  # indented\n\n# col 0\nc:\n  # in\n  d: e\n", want: "accepted" }],
  ["a comment line between list items (yaml gives it to the list's end, which nothing reads)", { given: "- x\n#\n-\n", want: "accepted" }],
  ["compact sequence at the key's column", { given: "a:\n- x\n- y: 1\nb: 2\n", want: "accepted" }],
  ["multi-line flow", { given: "a: { b: [x, y],\n  c: 'd' }\n", want: "accepted" }],
  ["core schema scalars", { given: "a: [0o17, 0x1F, 1e3, .5, +1, -0, 012, 1_000, .inf, -.Inf, .nan, ~, Null, TRUE, yes]\n", want: "accepted" }],
  ["escapes", { given: 'a: "\\t\\u00e9\\x41\\\\\\"" \nb: \'it\'\'s\'\n', want: "accepted" }],
  ["anchor", { given: "a: &x 1\nb: *x\n", want: "declined" }],
  ["tag", { given: "a: !vault x\n", want: "declined" }],
  ["block scalar", { given: "a: |\n  x\n", want: "declined" }],
  ["multi-line plain", { given: "a: b\n  c\n", want: "declined" }],
  ["multi-line quoted", { given: 'a: "b\n  c"\n', want: "declined" }],
  ["document marker", { given: "---\na: 1\n", want: "declined" }],
  ["duplicate key", { given: "a: 1\na: 2\n", want: "declined" }],
  ["non-string key", { given: "80: x\n", want: "declined" }],
  ["null key", { given: "~: x\n", want: "declined" }],
  ["__proto__", { given: "__proto__: x\n", want: "declined" }],
  ["tab", { given: "a:\n\tb: 1\n", want: "declined" }],
  ["CR", { given: "a: 1\r\n", want: "declined" }],
  ["BOM", { given: "\ufeffa: 1\n", want: "declined" }],
  ["empty document", { given: "# nothing\n", want: "declined" }],
  ["unknown escape", { given: 'a: "\\q"\n', want: "declined" }],
  ["complex key", { given: "? a\n: b\n", want: "declined" }],
];
for (const [name, { given, want }] of cases) {
  test(`fast parse: ${name} is ${want}`, () => {
    assert.is(assertAgrees(given, name), want);
  });
}

test("fast parse: generated YAML agrees with yaml or is declined", () => {
  const rand = prng(14);
  const counts = { accepted: 0, declined: 0 };
  for (let i = 0; i < 1000; i++) {
    const outcome = assertAgrees(generate(rand), `case ${i}`) as "accepted" | "declined";
    counts[outcome]++;
  }
  // Enough of both, or the generator has drifted away from what it is meant to exercise.
  assert.ok(counts.accepted > 200, `accepted ${counts.accepted}`);
  assert.ok(counts.declined > 200, `declined ${counts.declined}`);
});

/** Every path into the data, so that each can be located both ways. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== "object" || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k])), [...prefix, "missing"]];
}

test("fast parse: parsePolicyText locates every path as the yaml path does", () => {
  for (const [name, text] of [["realistic 5", generateRealisticPolicy(5)] as const, ...examples]) {
    const loaded = parsePolicyText("p.yaml", text);
    assert.ok(loaded.value, name);
    const lineCounter = new LineCounter();
    const doc = parseAllDocuments(text, { ...OPTIONS, lineCounter });
    const slow = new SourceMap(text, lineCounter);
    slow.attach((Array.isArray(doc) ? doc[0] : doc) as never);
    assert.equal(loaded.value.data, (Array.isArray(doc) ? doc[0] : doc)?.toJS(), name);
    for (const path of paths(loaded.value.data)) {
      assert.equal(loaded.value.source.locate(path), slow.locate(path), `${name} ${path.join(".")}`);
      assert.equal(loaded.value.source.locate(path, { key: true }), slow.locate(path, { key: true }), `${name} ${path.join(".")}`);
    }
    assert.equal(loaded.value.source.rangeOf(0, text.length), slow.rangeOf(0, text.length));
  }
});

test.run();
