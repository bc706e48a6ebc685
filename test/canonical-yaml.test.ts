import { test } from "uvu";
import * as assert from "uvu/assert";
import { Document } from "yaml";
import { toYaml, toYamlWithLibrary } from "../src/write/canonical-yaml.js";
import { emitCanonicalYaml } from "../src/write/emit-yaml.js";
import { YAML11_NON_STRING_TESTS } from "../src/write/yaml-scalar.js";
import { prng } from "./helpers/fuzz.js";

// Every expectation here is what yaml itself writes for the same value with the same options
// (toYamlWithLibrary); nothing is hard-coded, so the tests hold the emitter to the library.

/** The emitter writes `value` itself, and writes what yaml writes. */
function assertSameAsYaml(value: unknown, label: string): void {
  const fast = emitCanonicalYaml(value);
  const want = toYamlWithLibrary(value);
  const shown = String(JSON.stringify(value)).slice(0, 300);
  if (fast === undefined) return assert.unreachable(`${label}: the emitter declined ${shown}`);
  if (fast !== want) assert.fixture(fast, want, `${label}: ${shown}`);
}

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\nZ2VuZXJhdGVk\n-----END CERTIFICATE-----\n";
const SCALARS: ReadonlyArray<readonly [string, unknown]> = [
  ["a DNS name", "api.shop.svc.cluster.local"],
  ["a label value", "mesh-security"],
  ["a label key with a slash", "app.kubernetes.io/managed-by"],
  ["a wildcard host", "*.apps.example.com"],
  ["empty", ""],
  ["one space", " "],
  ["leading space", " x"],
  ["trailing space", "x "],
  ["trailing tab", "x\t"],
  ["colon space", "a: b"],
  ["trailing colon", "a:"],
  ["colon without space", "a:b"],
  ["space hash", "a #b"],
  ["hash without space", "a#b"],
  ["leading hash", "#x"],
  ["dash alone", "-"],
  ["dash space", "- x"],
  ["dash word", "-x"],
  ["question alone", "?"],
  ["question space", "? x"],
  ...[..."-?:,[]{}#&*!|>'\"%@`"].map((c) => [`leading ${c}`, `${c}x`] as const),
  ["single quote inside", "it's"],
  ["double quote inside", 'say "hi"'],
  ["both quotes", `it's "x"`],
  ["double quote and line break", 'say "hi"\nbye'],
  ["double quote, line break, trailing spaces", 'say "hi"\n  '],
  ["single quote, line break, trailing tab", "it's\n\t"],
  ["backslash", "C:\\path"],
  ["document start", "---"],
  ["document start text", "--- x"],
  ["document end", "..."],
  ["document end text", "...x"],
  ["percent", "%YAML"],
  ...["yes", "Yes", "YES", "no", "No", "NO", "y", "Y", "n", "N", "on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE"].map((s) => [`bool word ${s}`, s] as const),
  ...["~", "null", "Null", "NULL", "nULL", "yES", "oN"].map((s) => [`null or mixed-case ${s}`, s] as const),
  ...["0", "-1", "+1", "0755", "0o17", "0x1F", "0b101", "1_000", "12:30:45", "-1:20", "1:70", "190:20:30.15", "1.5", ".5", "5.", ".", "-.", "1e5", "1E-5", "e5", "E5", "1.2e+3", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "nan", "inf", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-1-1", "20011214"].map(
    (s) => [`number-like ${s}`, s] as const,
  ),
  ["merge key", "<<"],
  ["less than", "<"],
  ["two lines", "a\nb"],
  ["trailing newline", "a\n"],
  ["two trailing newlines", "a\n\n"],
  ["only newlines", "\n\n"],
  ["leading newline", "\na"],
  ["first line indented", "  a\nb\n"],
  ["first line indented after a blank line", "\n  a\nb"],
  ["space before newline", "a \nb"],
  ["space after newline", "a\n b"],
  ["line ends in spaces after newline", "a\n  "],
  ["blank lines inside", "a\n\n\nb\n"],
  ["a PEM block", PEM],
  ["two PEM blocks", PEM + PEM],
  ["a PEM block without final newline", PEM.trimEnd()],
  ["multi-line with quotes and indicators", "key: 'v'\n# not a comment\n- item\n"],
  ["multi-line with document markers", "a\n---\nb\n...\n"],
  ["control characters", "a\u0000b\u0007c\u000bd\u001be\u0085f\u00a0g\u2028h\u2029i"],
  ["tab and bell", "\tx\u0007"],
  ["escape with newlines, long", "line one is quite long enough\u0001\nline two\n\n  indented\n"],
  ["escape with newline, short", "a\u0001\nb"],
  ["delete character", "x\u007f"],
  ["lone surrogate", "x\ud800y"],
  ["astral and unicode", "名前 ünï 😀"],
  ["very long", "x".repeat(5000)],
  ["very long with spaces", "word ".repeat(1000) + "end"],
  ["numbers", 8443],
  ["zero", 0],
  ["negative zero", -0],
  ["negative", -42],
  ["float", 0.1],
  ["large", 1e21],
  ["small", 1e-7],
  ["max safe", Number.MAX_SAFE_INTEGER],
  ["NaN", NaN],
  ["infinity", Infinity],
  ["minus infinity", -Infinity],
  ["true", true],
  ["false", false],
  ["null", null],
];

test("each scalar as a value, a key, a list item, and deeper", () => {
  for (const [name, value] of SCALARS) {
    assertSameAsYaml({ value }, `${name} as a value`);
    assertSameAsYaml([value], `${name} in a top-level list`);
    assertSameAsYaml({ a: { b: [{ c: value, d: [value, [value]] }] } }, `${name} nested`);
    assertSameAsYaml({ metadata: { annotations: { x: value } } }, `${name} in metadata`);
    // Keys over 1024 characters are left to yaml (below).
    if (typeof value === "string" && value.length <= 1000) {
      assertSameAsYaml({ [value]: 1 }, `${name} as a top-level key`);
      assertSameAsYaml({ a: { [value]: value } }, `${name} as a nested key`);
      assertSameAsYaml([{ [value]: [value] }], `${name} as a key in a list`);
    }
  }
});

const STRUCTURES: ReadonlyArray<readonly [string, unknown]> = [
  ["empty map", {}],
  ["empty list", []],
  ["empty children", { a: {}, b: [], c: [{}, [], [[]]] }],
  ["lists in lists", [[1, [2, [3]]], [], [[]]]],
  ["maps in lists", [{ a: 1, b: { c: [{ d: 2 }] } }, { e: [] }]],
  ["a manifest, keys out of order", { spec: { z: 1, a: 2 }, zz: 0, metadata: { labels: { b: "1", a: "2" }, annotations: {}, namespace: "n", name: "x", b: 1, a: 2 }, kind: "Secret", type: "Opaque", data: { "tls.crt": "AAA=" }, apiVersion: "v1" }],
  ["metadata below the top keeps plain order", { spec: { metadata: { namespace: "n", name: "x" } } }],
  ["top order inside a top-level list is plain", [{ kind: "K", apiVersion: "v1", metadata: { namespace: "n", name: "x" } }]],
  ["undefined values dropped", { a: undefined, b: 1, c: { d: undefined }, metadata: { name: undefined } }],
  ["only undefined values", { a: { b: undefined } }],
  ["integer keys", { b: 1, "10": 2, "9": 3, "01": 4, "-1": 5, "4294967295": 6, "4294967294": 7, a: 8 }],
  ["integer keys at the top", { kind: "ConfigMap", "80": "http", apiVersion: "v1" }],
  ["an own __proto__ key", JSON.parse('{"a": 1, "__proto__": {"b": 2}, "c": 3}')],
  ["keys sorted by code unit", { b: 1, B: 2, _: 3, é: 4, "😀": 5, ｚ: 6, "a.b": 7, "a-b": 8 }],
  ["a Date is an object without keys", { when: new Date(0) }],
  ["a boxed string", { s: new String("ab") }],
  ["a long key", { ["k".repeat(1000)]: 1 }],
];

test("structures: empty collections, nesting, key order, dropped and odd keys", () => {
  for (const [name, value] of STRUCTURES) assertSameAsYaml(value, name);
});

const DECLINED: ReadonlyArray<readonly [string, unknown]> = [
  ["a string document", "x"],
  ["a null document", null],
  ["a number document", 1],
  ["undefined in a list", [1, undefined]],
  ["a hole in a list", [1, , 2]],
  ["a bigint", { n: 10n }],
  ["a key over 1024 characters", { ["k".repeat(1025)]: 1 }],
  ["a quoted key over 1024 characters", { ["'".repeat(1023)]: 1 }],
];

test("what the emitter leaves to yaml, toYaml still writes as yaml does", () => {
  for (const [name, value] of DECLINED) {
    assert.is(emitCanonicalYaml(value), undefined, name);
    assert.is(toYaml(value), toYamlWithLibrary(value), name);
  }
});

test("the emitter's YAML 1.1 tests are yaml's: every default non-string tag with a test", () => {
  const tags = new Document(null, { version: "1.1" }).schema.tags as ReadonlyArray<{ default?: unknown; tag: string; test?: RegExp }>;
  const fromYaml = tags.filter((t) => t.default && t.tag !== "tag:yaml.org,2002:str" && t.test).map((t) => String(t.test));
  assert.equal(YAML11_NON_STRING_TESTS.map(String), fromYaml);
});

// Random documents from pieces that exercise every rule: indicators, spaces, line breaks, quotes,
// unicode, control characters, YAML 1.1 keywords and number-like strings.
const PIECES = [
  ..."-?:,[]{}#&*!|>'\"%@`~<=.+_/\\ \t\n\n\n",
  ..."abcxyzAZ019",
  "\u0000", "\u0007", "\u001b", "\u0085", "\u00a0", "\u2028", "\ud800", "ü", "名", "😀", "\r",
  "yes", "No", "ON", "off", "true", "Null", "~", "0o17", "0x1F", "0b1", "0755", "1_000", "12:30:45", "2001-12-14", ".inf", "-.5", "1e3", "e5", "<<", "---", "...", "%",
  ": ", " #", "- ", "? ", "  ", "\n ", " \n", "\n\n", "-----BEGIN CERTIFICATE-----\n", "MIIBszCCAVmgAwIBAgIU\n",
];

function randomString(random: () => number): string {
  const roll = random();
  // Whole keywords and numbers on their own, as they occur as values.
  if (roll < 0.15) return PIECES[Math.floor(random() * PIECES.length)] as string;
  const count = Math.floor(random() * (roll < 0.9 ? 6 : 40));
  let text = "";
  for (let i = 0; i < count; i++) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

function randomValue(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.55) {
    const kind = random();
    if (kind < 0.7) return randomString(random);
    if (kind < 0.8) return Math.floor((random() - 0.5) * 200000);
    if (kind < 0.85) return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
    if (kind < 0.9) return random() < 0.5;
    if (kind < 0.95) return null;
    return [-0, NaN, Infinity, -Infinity, 1e21, 0.1][Math.floor(random() * 6)];
  }
  const size = Math.floor(random() * 5);
  if (roll < 0.75) return Array.from({ length: size }, () => randomValue(random, depth + 1));
  const map: Record<string, unknown> = {};
  const keys = ["apiVersion", "kind", "metadata", "spec", "name", "namespace", "labels", "data"];
  for (let i = 0; i < size; i++) {
    const key = random() < 0.3 ? (keys[Math.floor(random() * keys.length)] as string) : randomString(random);
    map[key] = random() < 0.05 ? undefined : randomValue(random, depth + 1);
  }
  return map;
}

test("seeded random documents: the emitter writes what yaml writes", () => {
  const random = prng(14);
  for (let i = 0; i < 3000; i++) {
    const value = randomValue(random, 0);
    // Whole documents are maps or lists; a scalar document is left to yaml (tested above).
    const doc = typeof value === "object" && value !== null ? value : { value };
    assertSameAsYaml(doc, `random document ${i}`);
  }
});

test.run();
