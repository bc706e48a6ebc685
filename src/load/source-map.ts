import { isMap, isScalar, isSeq } from "yaml";
import type { Document, LineCounter, Node, Pair } from "yaml";
import type { LinePos } from "../diagnostics/diagnostic.js";

type Range = { start: LinePos; end: LinePos };

/**
 * A node of the policy, as much as locating needs: its extent (start -1: none; a collection is
 * located by its first character, so its `end` is its `start`: nothing reads where a collection
 * ends), and for a map its keys
 * with their extents and values, for a list its items. The parsed yaml Document took three times as
 * much memory and was held for the whole compile (34 MB for a 1.6 MB policy).
 */
export interface Located {
  start: number;
  end: number;
  scalar: boolean;
  /** Per key: its text, or null for a key that is not a scalar (never found by a path segment). */
  keys?: Array<string | null>;
  /** Per key: start and end of the key (-1 when the key is not a scalar with a range). */
  keyRanges?: number[];
  values?: Array<Located | null>;
  items?: Array<Located | null>;
}

/** Turns offsets and policy paths into 1-based line/column ranges. */
export class SourceMap {
  #root: Located | null = null;

  constructor(
    readonly text: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Remember where the parsed document's nodes are, so that paths can be located; the document is not kept. */
  attach(doc: Document.Parsed): void {
    this.#root = doc.contents ? locatedOf(doc.contents as Node) : null;
  }

  /** Take the locating tree directly, as the fast reader builds it (src/load/fast-parse.ts). */
  attachLocated(root: Located | null): void {
    this.#root = root;
  }

  /** The line/column range of a pair of character offsets. */
  rangeOf(start: number, end: number): Range {
    const clamp = (n: number): number => Math.max(0, Math.min(n, this.text.length));
    const a = this.lineCounter.linePos(clamp(start));
    const b = this.lineCounter.linePos(clamp(Math.max(end, start)));
    return { start: { line: a.line, column: a.col }, end: { line: b.line, column: b.col } };
  }

  /**
   * The range of the node at `path`. With `key: true` the last segment's key is meant (an unknown key).
   * A path that does not exist (a missing key) resolves to the nearest ancestor's key, so that a
   * diagnostic about `metadata.name` missing points at `metadata:`.
   */
  locate(path: readonly (string | number)[], options: { key?: boolean } = {}): Range {
    const root = this.#root;
    if (!root) return this.rangeOf(0, 0);
    let node: Located = root;
    let best: [number, number] = startOf(node);
    for (const [index, segment] of path.entries()) {
      const isLast = index === path.length - 1;
      if (node.keys && node.keyRanges && node.values) {
        const i = node.keys.indexOf(String(segment));
        if (i === -1) break;
        const keyStart = node.keyRanges[2 * i] ?? -1;
        const keyRange: [number, number] = keyStart === -1 ? best : [keyStart, node.keyRanges[2 * i + 1] ?? keyStart];
        const value: Located | null = node.values[i] ?? null;
        if (isLast) {
          // A scalar value is shown itself; a map or list value by its key, which names it.
          if (options.key || !value || value.start === -1 || !value.scalar) return this.rangeOf(...keyRange);
          return this.rangeOf(...valueRange(value));
        }
        best = keyRange;
        if (!value) break;
        node = value;
      } else if (node.items && typeof segment === "number") {
        const item: Located | null | undefined = node.items[segment];
        if (!item || item.start === -1) break;
        best = startOf(item);
        node = item;
        if (isLast) return this.rangeOf(...valueRange(item));
      } else {
        break;
      }
    }
    return this.rangeOf(...best);
  }
}

/** The locating form of a yaml node and everything below it. */
export function locatedOf(node: Node): Located {
  const [start, end] = node.range ? [node.range[0], node.range[1]] : [-1, -1];
  if (isMap(node)) {
    const keys: Array<string | null> = [];
    const keyRanges: number[] = [];
    const values: Array<Located | null> = [];
    for (const pair of node.items as Array<Pair<unknown, unknown>>) {
      keys.push(isScalar(pair.key) ? String(pair.key.value) : null);
      const range = isScalar(pair.key) ? pair.key.range : undefined;
      keyRanges.push(range ? range[0] : -1, range ? range[1] : -1);
      values.push(pair.value ? locatedOf(pair.value as Node) : null);
    }
    return { start, end: start, scalar: false, keys, keyRanges, values };
  }
  if (isSeq(node)) return { start, end: start, scalar: false, items: (node.items as unknown[]).map((item) => (item ? locatedOf(item as Node) : null)) };
  return { start, end, scalar: isScalar(node) };
}

/** A scalar's own extent; for a collection only its first character, so frames stay short. */
function valueRange(node: Located): [number, number] {
  return node.scalar ? [node.start === -1 ? 0 : node.start, node.end === -1 ? 0 : node.end] : startOf(node);
}

function startOf(node: Located): [number, number] {
  const start = node.start === -1 ? 0 : node.start;
  return [start, start + 1];
}
