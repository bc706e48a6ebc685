import { LineCounter, parseAllDocuments } from "yaml";
import type { Node } from "yaml";
import { parseFast } from "../../src/load/fast-parse.js";
import { locatedOf } from "../../src/load/source-map.js";
import { Lines } from "../../src/util/lines.js";

// The differential check of the fast policy reader against yaml, and the generator of YAML in its
// subset and just outside it: used by test/fast-parse.test.ts and, at scale, by `npm run fuzz:parse`
// (scripts/fuzz-parse.ts).

// The fast reader must agree with yaml exactly (data, key order, number vs string, every node's range)
// or decline: these tests compare the two on every policy text at hand and on generated YAML.
export const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, version: "1.2", schema: "core", keepSourceTokens: false } as const;

/** What the yaml path makes of a text, or null where it reports anything (the fast reader must decline there). */
export function viaYaml(text: string): { data: unknown; root: unknown; lineStarts: number[] } | null {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...OPTIONS, lineCounter });
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc || list.length !== 1 || doc.errors.length > 0 || doc.warnings.length > 0 || !doc.contents) return null;
  return { data: doc.toJS(), root: locatedOf(doc.contents as Node), lineStarts: lineCounter.lineStarts };
}

/** Deep equality that also requires the same key order and tells -0 from 0. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** "declined", "accepted" (and equal to yaml), or what differs. */
export function check(text: string): string {
  const fast = parseFast(text);
  if (!fast) return "declined";
  const slow = viaYaml(text);
  if (!slow) return "accepted a text yaml reports a problem in";
  if (!same(fast.data, slow.data)) return `data differs: ${JSON.stringify(fast.data)} vs ${JSON.stringify(slow.data)}`;
  if (!same(fast.root, slow.root)) return `locations differ:\n${JSON.stringify(fast.root)}\n${JSON.stringify(slow.root)}`;
  if (!same(new Lines(text).starts, slow.lineStarts)) return "line starts differ";
  return "accepted";
}


// Generated YAML in the subset and just outside it: every outcome must be "accepted" (and equal) or "declined".
const SCALARS = ["x", "a b", "a:b", "a#b", "http://x:80/y", "-1", "-x", "0o17", "0x1F", "1e3", ".5", "+1", "-0", "012", "1_000", "1.", "1.50", "true", "True", "TRUE", "yes", "no", "null", "~", "Null", "NULL", ".inf", "-.INF", ".NaN", "'q'", "'it''s'", "'a: b'", '"d"', '"a\\tb"', '"\\u00e9"', '"x # y"', "''", '""', "é名", "a,b", "[a]", "{}", "[]", "{ a: b }", "[x, y,]", "{ a: [1, 2], b: { c: d } }", "{a: 1,}", "[ ]", "{ k: }", "{ 'q': \"d\", e: [ ] }"];
const ODD_SCALARS = ["a # c", "&a x", "*a", "!t x", "|", "@x", "`x", "%x", "? x", ": x", "- x", "x:", "x: y", "[a, b", "{a: b", "[a,,b]", "[,a]", "{a}", "{a: b, a: c}", "[a: b]", '"a":b', '"\\q"', "[a #b]", "{a:b}", "-", "- - x"];
const KEYS = ["a", "b", "c", "key with spaces", "k:x", "'q k'", '"d k"', "é", "-k", "x y", "'80'", "true_", "name", "port"];
const ODD_KEYS = ["80", "true", "null", "~", "1.5", "__proto__", "<<", "a b ", "a :", "? a", "&a a", "'a'b", "[a]", "{a: b}"];

export function generate(rand: () => number): string {
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

