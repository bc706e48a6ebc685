import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LineCounter, parseAllDocuments } from "yaml";
import type { Node } from "yaml";
import { generatePolicy } from "../bench/generate-policy.js";
import { generateRealisticPolicy } from "../bench/generate-realistic.js";
import { parseFast } from "../src/load/fast-parse.js";
import { parsePolicyText } from "../src/load/load-policy.js";
import { locatedOf, SourceMap } from "../src/load/source-map.js";
import { Lines } from "../src/util/lines.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { exampleBases, exampleCases } from "./helpers/examples.js";
import { prng } from "./helpers/fuzz.js";
import { HEADER, MESH_CA_POLICY } from "./helpers/policy.js";

// The fast reader must agree with yaml exactly (data, key order, number vs string, every node's range)
// or decline: these tests compare the two on every policy text at hand and on generated YAML.
const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, version: "1.2", schema: "core", keepSourceTokens: false } as const;

/** What the yaml path makes of a text, or null where it reports anything (the fast reader must decline there). */
function viaYaml(text: string): { data: unknown; root: unknown; lineStarts: number[] } | null {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...OPTIONS, lineCounter });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc || list.length !== 1 || doc.errors.length > 0 || doc.warnings.length > 0 || !doc.contents) return null;
  return { data: doc.toJS(), root: locatedOf(doc.contents as Node), lineStarts: lineCounter.lineStarts };
}

/** Deep equality that also requires the same key order and tells -0 from 0. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** "declined", "accepted" (and equal to yaml), or what differs. */
function check(text: string): string {
  const fast = parseFast(text);
  if (!fast) return "declined";
  const slow = viaYaml(text);
  if (!slow) return "accepted a text yaml reports a problem in";
  if (!same(fast.data, slow.data)) return `data differs: ${JSON.stringify(fast.data)} vs ${JSON.stringify(slow.data)}`;
  if (!same(fast.root, slow.root)) return `locations differ:\n${JSON.stringify(fast.root)}\n${JSON.stringify(slow.root)}`;
  if (!same(new Lines(text).starts, slow.lineStarts)) return "line starts differ";
  return "accepted";
}

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

// Generated YAML in the subset and just outside it: every outcome must be "accepted" (and equal) or "declined".
const SCALARS = ["x", "a b", "a:b", "a#b", "http://x:80/y", "-1", "-x", "0o17", "0x1F", "1e3", ".5", "+1", "-0", "012", "1_000", "1.", "1.50", "true", "True", "TRUE", "yes", "no", "null", "~", "Null", "NULL", ".inf", "-.INF", ".NaN", "'q'", "'it''s'", "'a: b'", '"d"', '"a\\tb"', '"\\u00e9"', '"x # y"', "''", '""', "é名", "a,b", "[a]", "{}", "[]", "{ a: b }", "[x, y,]", "{ a: [1, 2], b: { c: d } }", "{a: 1,}", "[ ]", "{ k: }", "{ 'q': \"d\", e: [ ] }"];
const ODD_SCALARS = ["a # c", "&a x", "*a", "!t x", "|", "@x", "`x", "%x", "? x", ": x", "- x", "x:", "x: y", "[a, b", "{a: b", "[a,,b]", "[,a]", "{a}", "{a: b, a: c}", "[a: b]", '"a":b', '"\\q"', "[a #b]", "{a:b}", "-", "- - x"];
const KEYS = ["a", "b", "c", "key with spaces", "k:x", "'q k'", '"d k"', "é", "-k", "x y", "'80'", "true_", "name", "port"];
const ODD_KEYS = ["80", "true", "null", "~", "1.5", "__proto__", "<<", "a b ", "a :", "? a", "&a a", "'a'b", "[a]", "{a: b}"];

function generate(rand: () => number): string {
  const pickFrom = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const pick = (list: readonly string[]): string => pickFrom(rand() < 0.06 ? (list === KEYS ? ODD_KEYS : ODD_SCALARS) : list);
  const lines: string[] = [];
  const noise = (indent: number): void => {
    const r = rand();
    if (r < 0.08) lines.push("");
    else if (r < 0.12) lines.push(" ".repeat(Math.floor(rand() * 6)));
    else if (r < 0.22) lines.push(`${" ".repeat(Math.max(0, indent + Math.floor(rand() * 5) - 2))}# note`);
  };
  const tail = (): string => (rand() < 0.15 ? " # c" : rand() < 0.05 ? "  " : "");
  const block = (indent: number, depth: number, first: string): void => {
    const seq = rand() < 0.3;
    const count = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < count; i++) {
      noise(indent);
      const lead = i === 0 ? first : " ".repeat(indent);
      const prefix = seq ? `${lead}- ` : lead;
      const inner = seq ? indent + 2 : indent;
      const key = seq && rand() < 0.4 ? "" : `${pick(KEYS)}:`;
      const r = rand();
      if (depth < 3 && r < 0.3) {
        if (key === "") {
          lines.push(`${prefix.trimEnd()}${tail()}`);
          block(inner + (rand() < 0.2 ? 1 : 0), depth + 1, " ".repeat(inner));
        } else {
          lines.push(`${prefix}${key}${tail()}`);
          const sameColumn = !seq && rand() < 0.3;
          if (sameColumn) {
            for (let j = 0; j < 1 + Math.floor(rand() * 2); j++) lines.push(`${" ".repeat(indent)}- ${pick(SCALARS)}${tail()}`);
          } else block(inner + 2, depth + 1, " ".repeat(inner + 2));
        }
      } else if (depth < 3 && seq && key !== "" && r < 0.45) {
        lines.push(`${prefix}${key} ${pick(SCALARS)}${tail()}`);
        lines.push(`${" ".repeat(inner)}${pick(KEYS)}: ${pick(SCALARS)}${tail()}`);
      } else if (r < 0.5 && key !== "") lines.push(`${prefix}${key}${tail()}`);
      else if (r < 0.55) lines.push(`${prefix}${key} [${pick(SCALARS)},\n${" ".repeat(inner + Math.floor(rand() * 4))}${pick(SCALARS)}]${tail()}`);
      else lines.push(`${prefix}${key}${key ? " " : ""}${pick(SCALARS)}${tail()}`);
    }
    noise(indent);
  };
  block(0, 0, "");
  let text = lines.join("\n") + (rand() < 0.9 ? "\n" : "");
  if (rand() < 0.15) {
    // Just outside: one character changed somewhere.
    const at = Math.floor(rand() * text.length);
    text = text.slice(0, at) + pickFrom([" ", ":", "#", "-", "\n", "'", '"', "{", "]", ",", "  ", "\t", "&"]) + text.slice(at + (rand() < 0.5 ? 1 : 0));
  }
  return text;
}

test("fast parse: generated YAML agrees with yaml or is declined", () => {
  const rand = prng(14);
  const counts = { accepted: 0, declined: 0 };
  for (let i = 0; i < 4000; i++) {
    const outcome = assertAgrees(generate(rand), `case ${i}`) as "accepted" | "declined";
    counts[outcome]++;
  }
  // Enough of both, or the generator has drifted away from what it is meant to exercise.
  assert.ok(counts.accepted > 800, `accepted ${counts.accepted}`);
  assert.ok(counts.declined > 800, `declined ${counts.declined}`);
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
