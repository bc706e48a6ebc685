/**
 * The one YAML writer: plain data (maps, lists, strings, numbers, booleans, null) to the block
 * format specified in docs/output-format.md. Key order is decided here and only here (orderedKeys);
 * how each string is written is decided in yaml-scalar.ts. test/canonical-yaml.test.ts reads every
 * output back with `yaml` in YAML 1.1 and 1.2 modes and compares it with the input.
 */
import { compareText } from "../util/compare.js";
import { doubleQuoted, keyText, stringText } from "./yaml-scalar.js";

/** Keys that lead, in this order, at the top of an object. */
export const TOP_ORDER: readonly string[] = ["apiVersion", "kind", "metadata", "spec", "type", "data", "stringData"];
/** Keys that lead, in this order, inside the top-level `metadata`. */
export const METADATA_ORDER: readonly string[] = ["name", "namespace", "labels", "annotations"];
const NO_ORDER: readonly string[] = [];

/** Longer keys are written as explicit keys (`? key`): YAML limits an implicit key to 1024 characters. */
const IMPLICIT_KEY_LIMIT = 1000;

/** The YAML text of `value`, ending in one line break. */
export function emitYaml(value: unknown): string {
  if (Array.isArray(value)) return (value.length === 0 ? "[]" : seqText(value, "")) + "\n";
  if (isMap(value)) {
    const keys = orderedKeys(value, TOP_ORDER);
    return (keys.length === 0 ? "{}" : mapText(value, keys, "", true)) + "\n";
  }
  return scalarText(value, "") + "\n";
}

/**
 * A map's keys as they are written: keys whose value is `undefined` left out, `leading` keys first in
 * their order, then every other key by UTF-16 code units (compareText). Integer-like keys (`"80"`)
 * sort as text like any other ("443" before "80"), not first as JavaScript objects list them.
 */
export function orderedKeys(map: Readonly<Record<string, unknown>>, leading: readonly string[]): string[] {
  const keys = Object.keys(map).filter((key) => map[key] !== undefined);
  if (leading.length === 0) return keys.sort(compareText);
  const rank = (key: string): number => {
    const index = leading.indexOf(key);
    return index === -1 ? leading.length : index;
  };
  return keys.sort((a, b) => rank(a) - rank(b) || compareText(a, b));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A map's entries, one a line; lines after the first start with `indent`. */
function mapText(map: Record<string, unknown>, keys: readonly string[], indent: string, top: boolean): string {
  const inner = indent + "  ";
  const parts: string[] = [];
  for (const key of keys) {
    const written = keyText(key);
    const value = map[key];
    // An explicit key (`? key` then `: value`) for keys too long to be implicit.
    const lead = written.length > IMPLICIT_KEY_LIMIT ? `? ${doubleQuoted(key)}\n${indent}:` : written + ":";
    if (Array.isArray(value)) {
      parts.push(value.length === 0 ? `${lead} []` : `${lead}\n${inner}${seqText(value, inner)}`);
    } else if (isMap(value)) {
      const childKeys = orderedKeys(value, top && key === "metadata" ? METADATA_ORDER : NO_ORDER);
      parts.push(childKeys.length === 0 ? `${lead} {}` : `${lead}\n${inner}${mapText(value, childKeys, inner, false)}`);
    } else {
      parts.push(`${lead} ${scalarText(value, inner)}`);
    }
  }
  return parts.join("\n" + indent);
}

/** A list's items, `- ` each, indented under their key; lines after the first start with `indent`. */
function seqText(seq: readonly unknown[], indent: string): string {
  const inner = indent + "  ";
  const parts: string[] = [];
  for (const item of seq) {
    if (Array.isArray(item)) parts.push(item.length === 0 ? "- []" : `- ${seqText(item, inner)}`);
    else if (isMap(item)) {
      const keys = orderedKeys(item, NO_ORDER);
      parts.push(keys.length === 0 ? "- {}" : `- ${mapText(item, keys, inner, false)}`);
    } else parts.push(`- ${scalarText(item, inner)}`);
  }
  return parts.join("\n" + indent);
}

/** A string, number, boolean or null (`undefined` in a list too, as JSON writes it); a function or symbol is a bug. */
function scalarText(value: unknown, indent: string): string {
  switch (typeof value) {
    case "undefined":
      return "null";
    case "bigint":
      return String(value);
    case "string":
      return stringText(value, indent);
    case "number":
      if (Number.isFinite(value)) return Object.is(value, -0) ? "-0" : String(value);
      return Number.isNaN(value) ? ".nan" : value < 0 ? "-.inf" : ".inf";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return "null";
    default:
      throw new TypeError(`emit-yaml: cannot write a ${typeof value} as YAML`);
  }
}
