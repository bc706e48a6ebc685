/**
 * A YAML writer for the plain data we emit, with the canonical key order built into the walk. It
 * mirrors, byte for byte, what yaml 2.9.1 writes for `canonicalize(value)` with `{ version: "1.1" }`
 * and `{ lineWidth: 0, minContentWidth: 0, indentSeq: true, directives: false }` (yaml's
 * `stringifyCollection`, `stringifyPair`, `stringifyNumber` and, in yaml-scalar.ts, `stringifyString`),
 * more than ten times faster because it copies nothing and builds no nodes. What it is not sure of (a
 * document that is not a map or list, `undefined` in a list, a bigint, a key over 1024 characters) it
 * declines, and the caller asks yaml. test/canonical-yaml.test.ts pins it against the library.
 */
import { stringifyString } from "./yaml-scalar.js";

/** Keys that lead, in this order, at the top of an object and inside `metadata`. */
export const TOP_ORDER: readonly string[] = ["apiVersion", "kind", "metadata", "spec", "type", "data", "stringData"];
export const METADATA_ORDER: readonly string[] = ["name", "namespace", "labels", "annotations"];
const NO_ORDER: readonly string[] = [];

/** Thrown inside the walk when the document needs yaml itself. */
const DECLINE = new Error("emit-yaml: left to yaml");
let out = "";

/**
 * The YAML text of `canonicalize(value)` exactly as yaml writes it with our options, or undefined
 * when that is for yaml to write.
 */
export function emitCanonicalYaml(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  out = "";
  try {
    if (Array.isArray(value)) {
      if (value.length === 0) out = "[]";
      else writeSeq(value, "");
    } else {
      const keys = sortedKeys(value as Record<string, unknown>, TOP_ORDER);
      if (keys.length === 0) out = "{}";
      else writeMap(value as Record<string, unknown>, keys, "", true);
    }
  } catch (error) {
    out = "";
    if (error === DECLINE) return undefined;
    throw error;
  }
  const text = out + "\n";
  out = "";
  return text;
}

/** A map's entries, one a line; lines after the first start with `indent` (yaml's `ctx.indent`). */
function writeMap(map: Record<string, unknown>, keys: readonly string[], indent: string, top: boolean): void {
  const inner = indent + "  ";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out += "\n" + indent;
    const keyText = stringifyString(key, inner, true);
    // Longer keys become explicit (`? key`) in yaml's stringifyPair.
    if (keyText.length > 1024) throw DECLINE;
    out += keyText + ":";
    const value = map[key];
    if (typeof value === "object" && value !== null) {
      if (Array.isArray(value)) {
        if (value.length === 0) out += " []";
        else {
          out += "\n" + inner;
          writeSeq(value, inner);
        }
      } else {
        const childKeys = sortedKeys(value as Record<string, unknown>, top && key === "metadata" ? METADATA_ORDER : NO_ORDER);
        if (childKeys.length === 0) out += " {}";
        else {
          out += "\n" + inner;
          writeMap(value as Record<string, unknown>, childKeys, inner, false);
        }
      }
    } else {
      out += " " + stringifyScalar(value, inner);
    }
  }
}

/** A list's items, `- ` each (`indentSeq: true`); lines after the first start with `indent`. */
function writeSeq(seq: readonly unknown[], indent: string): void {
  const inner = indent + "  ";
  for (let i = 0; i < seq.length; i++) {
    if (i > 0) out += "\n" + indent;
    out += "- ";
    const item = seq[i];
    if (typeof item === "object" && item !== null) {
      if (Array.isArray(item)) {
        if (item.length === 0) out += "[]";
        else writeSeq(item, inner);
      } else {
        const keys = sortedKeys(item as Record<string, unknown>, NO_ORDER);
        if (keys.length === 0) out += "{}";
        else writeMap(item as Record<string, unknown>, keys, inner, false);
      }
    } else {
      out += stringifyScalar(item, inner);
    }
  }
}

/** A string, number, boolean or null as yaml writes it (yaml-1.1 bool and null, stringifyNumber). */
function stringifyScalar(value: unknown, indent: string): string {
  switch (typeof value) {
    case "string":
      return stringifyString(value, indent, false);
    case "number":
      if (Number.isFinite(value)) return Object.is(value, -0) ? "-0" : String(value);
      return Number.isNaN(value) ? ".nan" : value < 0 ? "-.inf" : ".inf";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return "null";
    default:
      throw DECLINE;
  }
}

/**
 * The keys `canonicalize` leaves, in the order its copy holds them: `undefined` values dropped,
 * `order`'s keys first, the rest sorted by UTF-16 code units. Like any object, the copy lists integer
 * keys (`"80"`) first in numeric order, and cannot hold an own `__proto__`: both kept here.
 */
function sortedKeys(map: Record<string, unknown>, order: readonly string[]): string[] {
  const keys: string[] = [];
  let integers = false;
  for (const key of Object.keys(map)) {
    if (map[key] === undefined || key === "__proto__") continue;
    const c = key.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39 && isArrayIndex(key)) integers = true;
    keys.push(key);
  }
  if (order.length === 0) keys.sort();
  else {
    const rank = (key: string): number => {
      const index = order.indexOf(key);
      return index === -1 ? order.length : index;
    };
    keys.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  if (!integers) return keys;
  const indices = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indices, ...keys.filter((key) => !isArrayIndex(key))];
}

/** A key that JavaScript objects order as an array index: a canonical integer below 2^32 - 1. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295;
}
