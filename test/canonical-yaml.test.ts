import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { toYaml } from "../src/write/canonical-yaml.js";
import { orderedKeys, TOP_ORDER } from "../src/write/emit-yaml.js";
import { prng } from "./helpers/fuzz.js";

// The emitter writes the format docs/output-format.md specifies. What every test here checks first:
// the text reads back, with `yaml` in YAML 1.1 mode (as kubectl and Argo CD read manifests) and in
// YAML 1.2 mode, as exactly the value written; and no line ends in a space.

/** `value` as a reader sees it: `undefined` map values dropped, `undefined` list items null. */
function expected(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, (item) => (item === undefined ? null : expected(item)));
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) Object.defineProperty(out, key, { value: expected(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Deep equality that tells -0 from 0 and holds NaN equal to NaN. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The emitted text reads back as `value` in YAML 1.1 and 1.2, and no line ends in a space. */
function assertRoundTrip(value: unknown, label: string): string {
  const text = toYaml(value);
  const shown = String(JSON.stringify(value)).slice(0, 300);
  const want = expected(value);
  for (const version of ["1.1", "1.2"] as const) {
    let back: unknown;
    try {
      back = parse(text, { version, uniqueKeys: true, maxAliasCount: -1 });
    } catch (error) {
      assert.unreachable(`${label} (YAML ${version}): ${String(error)}\n${text}\n${shown}`);
      throw error;
    }
    if (!same(back, want)) assert.fixture(JSON.stringify(back) ?? "undefined", JSON.stringify(want) ?? "undefined", `${label} (YAML ${version}) reads back otherwise:\n${text}`);
  }
  assert.ok(!/[ \t]$/m.test(text), `${label}: a line ends in whitespace:\n${text}`);
  assert.ok(text.endsWith("\n") && !text.endsWith("\n\n") || /\|\+/.test(text), `${label}: one final line break`);
  return text;
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

test("each scalar as a value, a key, a list item, and deeper reads back as itself", () => {
  for (const [name, value] of SCALARS) {
    assertRoundTrip(value, `${name} as the document`);
    assertRoundTrip({ value }, `${name} as a value`);
    assertRoundTrip([value], `${name} in a top-level list`);
    assertRoundTrip({ a: { b: [{ c: value, d: [value, [value]] }] } }, `${name} nested`);
    assertRoundTrip({ metadata: { annotations: { x: value } } }, `${name} in metadata`);
    assertRoundTrip([value, "after"], `${name} followed by an item`);
    if (typeof value === "string") {
      assertRoundTrip({ [value]: 1 }, `${name} as a top-level key`);
      assertRoundTrip({ a: { [value]: value } }, `${name} as a nested key`);
      assertRoundTrip([{ [value]: [value] }], `${name} as a key in a list`);
    }
  }
});

test("the two strings yaml 2.9.1 itself wrote so that they read back otherwise", () => {
  for (const value of [`cert-manager\n \n${"y".repeat(40)}\n `, " \n"]) {
    assertRoundTrip({ value }, JSON.stringify(value));
    assertRoundTrip({ metadata: { annotations: { [value]: value } } }, JSON.stringify(value));
  }
});

// The format, pinned: these are the decisions of docs/output-format.md, one row each.
const FORMAT: ReadonlyArray<readonly [string, unknown, string]> = [
  ["a name is plain", { a: "api.shop.svc.cluster.local" }, "a: api.shop.svc.cluster.local\n"],
  ["a label key with a slash is plain", { "app.kubernetes.io/name": "x" }, "app.kubernetes.io/name: x\n"],
  ["words with single spaces are plain", { a: "Do not edit" }, "a: Do not edit\n"],
  ["a duration is plain", { a: "2160h" }, "a: 2160h\n"],
  ["a wildcard host is quoted", { a: "*.apps.example.com" }, 'a: "*.apps.example.com"\n'],
  ["the merge key is quoted", { "<<": "<<" }, '"<<": "<<"\n'],
  ...["y", "N", "yes", "No", "ON", "off", "True", "FALSE", "~", "null", "NuLL"].map((s) => [`YAML 1.1 word ${s} is quoted`, { a: s }, `a: "${s}"\n`] as const),
  ...["0777", "0x1F", "0o17", "0b101", "1_000", "1:20", "190:20:30.15", ".inf", "-.Inf", ".nan", "1e5", "12", "1.5", "10.0.0.1", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "+inf", "Infinity"].map(
    (s) => [`number-like ${s} is quoted`, { a: s }, `a: "${s}"\n`] as const,
  ),
  ["empty is quoted", { a: "" }, 'a: ""\n'],
  ["a colon at the end is quoted", { a: "x:" }, 'a: "x:"\n'],
  ["a dash alone is quoted", { a: "-" }, 'a: "-"\n'],
  ["a long string is one line, never folded", { a: "word ".repeat(20).trim() }, `a: ${"word ".repeat(20).trim()}\n`],
  ["a long quoted string is one line", { a: "*" + "x".repeat(80) + "\t" }, `a: "*${"x".repeat(80)}\\t"\n`],
  ["multi-line text is a literal block, one final newline kept", { a: "x\ny\n" }, "a: |\n  x\n  y\n"],
  ["no final newline: strip", { a: "x\ny" }, "a: |-\n  x\n  y\n"],
  ["several final newlines: keep", { a: "x\ny\n\n" }, "a: |+\n  x\n  y\n\n"],
  ["empty lines inside are empty", { a: "x\n\ny\n" }, "a: |\n  x\n\n  y\n"],
  ["a block in a list", ["x\ny\n"], "- |\n  x\n  y\n"],
  ["trailing spaces on a line: quoted", { a: "x \ny\n" }, 'a: "x \\ny\\n"\n'],
  ["leading space on the first line: quoted", { a: " x\ny" }, 'a: " x\\ny"\n'],
  ["only whitespace: quoted", { a: " \n" }, 'a: " \\n"\n'],
  ["a key with a line break is quoted on one line", { "a\nb": 1 }, '"a\\nb": 1\n'],
  ["control characters are escaped", { a: "\u0000\u0085\u2028\ufeff\u007f" }, 'a: "\\x00\\x85\\u2028\\ufeff\\x7f"\n'],
  ["unicode text is written as it is", { a: "名前 😀" }, 'a: "名前 😀"\n'],
  ["a key over the implicit-key limit is explicit", { ["k".repeat(1001)]: 1 }, `? "${"k".repeat(1001)}"\n: 1\n`],
  ["numbers, booleans, null", { a: 1, b: -0, c: 0.5, d: true, e: null, f: NaN, g: -Infinity }, "a: 1\nb: -0\nc: 0.5\nd: true\ne: null\nf: .nan\ng: -.inf\n"],
  ["empty collections", { a: {}, b: [] }, "a: {}\nb: []\n"],
  ["lists are indented under their key", { a: [1, [2, 3], { b: 4, c: 5 }] }, "a:\n  - 1\n  - - 2\n    - 3\n  - b: 4\n    c: 5\n"],
];

test("the format: each decision of docs/output-format.md, written exactly", () => {
  for (const [name, value, want] of FORMAT) {
    const text = assertRoundTrip(value, name);
    assert.is(text, want, name);
  }
});

test("the example in docs/output-format.md is what the writer writes for its data", () => {
  const doc = readFileSync("docs/output-format.md", "utf8");
  const block = /## Example\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block, "no example block");
  assert.is(toYaml(parse(block, { version: "1.1" })), block);
});

test("key order: top keys and metadata keys lead, the rest by code unit, integer-like keys as text", () => {
  const text = toYaml({ spec: { z: 1, a: 2, "80": 3, "443": 4 }, zz: 0, "9": 1, metadata: { b: 1, labels: {}, name: "x", namespace: "ns", annotations: { b: "1", a: "2" } }, kind: "K", apiVersion: "v1" });
  assert.is(text, 'apiVersion: v1\nkind: K\nmetadata:\n  name: x\n  namespace: ns\n  labels: {}\n  annotations:\n    a: "2"\n    b: "1"\n  b: 1\nspec:\n  "443": 4\n  "80": 3\n  a: 2\n  z: 1\n"9": 1\nzz: 0\n');
  assert.equal(orderedKeys({ data: 1, type: 2, b: 3, A: 4, kind: 5, undef: undefined }, TOP_ORDER), ["kind", "type", "data", "A", "b"]);
  // metadata below the top, and the top keys inside a list, are plainly sorted.
  assert.is(toYaml([{ kind: "K", apiVersion: "v1" }]), "- apiVersion: v1\n  kind: K\n");
  assert.is(toYaml({ spec: { metadata: { namespace: "ns", name: "x" } } }), "spec:\n  metadata:\n    name: x\n    namespace: ns\n");
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

test("structures read back as themselves", () => {
  for (const [name, value] of STRUCTURES) assertRoundTrip(value, name);
});

test("a function is a bug, not output", () => {
  assert.throws(() => toYaml({ f: () => 1 }), /cannot write a function/);
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

test("seeded random documents read back as themselves in YAML 1.1 and 1.2", () => {
  const random = prng(14);
  for (let i = 0; i < 2000; i++) assertRoundTrip(randomValue(random, 0), `random document ${i}`);
});

test.run();
