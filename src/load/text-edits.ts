import { isMap, isScalar, stringify } from "yaml";
import type { Pair, Scalar, YAMLMap } from "yaml";

// Edits of a policy's text by the source ranges yaml's parser records on each node
// (`node.range = [start, valueEnd, nodeEnd]`), so that a tool editing the policy changes only the
// lines it means to: comments, spacing and flow style elsewhere stay byte for byte.

/** Replace `text[start, end)` with `insert`. */
export interface TextEdit {
  start: number;
  end: number;
  insert: string;
}

/** Apply non-overlapping edits; edits at the same position keep their order in the list. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits.map((edit, index) => ({ edit, index })).sort((a, b) => b.edit.start - a.edit.start || b.index - a.index);
  let out = text;
  let limit = Infinity;
  for (const { edit } of ordered) {
    if (edit.end > limit || edit.start > edit.end) throw new Error(`overlapping edits at ${edit.start}`);
    out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

/** A scalar written in the style of the one it replaces (quotes kept; plain only when plain is safe). */
export function renderLike(original: Scalar, value: string): string {
  if (original.type === "QUOTE_DOUBLE") return JSON.stringify(value);
  if (original.type === "QUOTE_SINGLE") return `'${value.replace(/'/g, "''")}'`;
  return stringify(value, { lineWidth: 0 }).trimEnd() === value ? value : JSON.stringify(value);
}

/** Replace one scalar's source (quotes included) with `value`. */
export function replaceScalar(node: Scalar, value: string): TextEdit {
  const [start, end] = rangeOf(node);
  return { start, end, insert: renderLike(node, value) };
}

/** Where a pair of `map` starts and ends in the text: whole lines for a block map, the entry for a flow one. */
export function locatePair(text: string, map: YAMLMap, pair: Pair): { start: number; end: number } {
  const [keyStart] = rangeOf(pair.key);
  const valueEnd = pair.value ? rangeOf(pair.value)[1] : rangeOf(pair.key)[1];
  if (map.flow) return { start: keyStart, end: valueEnd };
  const start = text.lastIndexOf("\n", keyStart - 1) + 1;
  if (text.slice(start, keyStart).trim() !== "") throw new Error("the entry does not start its line");
  // A block value's range already ends after its last line; a flow or scalar value ends on the line.
  const newline = valueEnd > 0 && text[valueEnd - 1] === "\n" ? valueEnd - 1 : text.indexOf("\n", valueEnd);
  return { start, end: newline === -1 ? text.length : newline + 1 };
}

/** Remove a pair from its map (for a flow map, together with one separating comma). */
export function deletePair(text: string, map: YAMLMap, pair: Pair): TextEdit {
  const span = locatePair(text, map, pair);
  if (!map.flow) return { ...span, insert: "" };
  const index = map.items.indexOf(pair);
  const next = map.items[index + 1];
  if (next) return { start: span.start, end: rangeOf(next.key)[0], insert: "" };
  const previous = map.items[index - 1];
  if (previous?.value) return { start: rangeOf(previous.value)[1], end: span.end, insert: "" };
  return { ...span, insert: "" };
}

/**
 * Insert a copy of `pair` right after it in `map`, with `edits` (ranges in the original text, inside
 * the pair) applied to the copy: the way to add an entry that looks like its neighbour.
 */
export function insertCopyAfter(text: string, map: YAMLMap, pair: Pair, edits: readonly TextEdit[]): TextEdit {
  const span = locatePair(text, map, pair);
  const [keyStart] = rangeOf(pair.key);
  const copyEnd = span.end;
  const shifted = edits.map((e) => {
    if (e.start < keyStart || e.end > copyEnd) throw new Error("edit outside the copied entry");
    return { ...e, start: e.start - keyStart, end: e.end - keyStart };
  });
  const copy = applyEdits(text.slice(keyStart, copyEnd), shifted);
  if (map.flow) return { start: span.end, end: span.end, insert: `, ${copy}` };
  const indent = text.slice(span.start, keyStart);
  const lead = span.end > 0 && text[span.end - 1] !== "\n" ? "\n" : "";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return { start: span.end, end: span.end, insert: `${lead.replace("\n", eol)}${indent}${copy}${copy.endsWith("\n") ? "" : eol}` };
}

/** The pair of a map under `key`, if the map is one. */
export function findPair(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

function rangeOf(node: unknown): [number, number] {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) throw new Error("node without a source range");
  return [range[0], range[1]];
}
