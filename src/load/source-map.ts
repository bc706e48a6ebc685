import { isMap, isScalar, isSeq } from "yaml";
import type { Document, LineCounter, Node, Pair } from "yaml";
import type { LinePos } from "../diagnostics/diagnostic.js";

type Range = { start: LinePos; end: LinePos };

/** Turns offsets and policy paths into 1-based line/column ranges. */
export class SourceMap {
  #doc: Document.Parsed | undefined;

  constructor(
    readonly text: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Remember the parsed document so that paths can be located. */
  attach(doc: Document.Parsed): void {
    this.#doc = doc;
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
    const doc = this.#doc;
    if (!doc?.contents) return this.rangeOf(0, 0);
    let node: Node | null = doc.contents as Node;
    let best: [number, number] = startOf(node);
    for (const [index, segment] of path.entries()) {
      const isLast = index === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment)) as Pair<Node, Node | null> | undefined;
        if (!pair) break;
        const keyRange = isScalar(pair.key) && pair.key.range ? [pair.key.range[0], pair.key.range[1]] as [number, number] : best;
        if (isLast) {
          // A scalar value is shown itself; a map or list value by its key, which names it.
          if (options.key || !pair.value?.range || !isScalar(pair.value)) return this.rangeOf(...keyRange);
          return this.rangeOf(...valueRange(pair.value));
        }
        best = keyRange;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment] as Node | undefined;
        if (!item?.range) break;
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

/** A scalar's own extent; for a collection only its first character, so frames stay short. */
function valueRange(node: Node): [number, number] {
  const [start, end] = node.range ?? [0, 0];
  return isScalar(node) ? [start, end] : startOf(node);
}

function startOf(node: Node): [number, number] {
  const start = node.range?.[0] ?? 0;
  return [start, start + 1];
}
