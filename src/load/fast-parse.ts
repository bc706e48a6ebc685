import { DECLINE, decline, MAX_DEPTH, readKey, readValue } from "./fast-flow.js";
import type { FlowNode } from "./fast-flow.js";
import type { Located } from "./source-map.js";

/**
 * A fast reader for the YAML that policies are written in, producing exactly the data and `Located`
 * tree that yaml 2.9.1 (`version: "1.2"`, `schema: "core"`, `strict`, `uniqueKeys`) produces, or `null`
 * to let yaml read the text. It takes: full-line and trailing ` #` comments, blank lines, block maps
 * with single-line plain or quoted keys (the root at column 0), block sequences (`- key: value` compact
 * maps, `key:` followed by `- item` at the same column), flow maps and sequences (also over several
 * lines), one-line plain, single- and double-quoted scalars, and the core schema's null, bool, int and
 * float. Anything else goes to yaml: tabs, CR, a BOM, control characters, anchors, aliases, tags, block
 * scalars, multi-line scalars, `?` keys, directives and document markers, duplicate, non-string,
 * `__proto__` or `<<` keys, nesting deeper than 60, an empty document, and every error. It never
 * reports a problem itself; yaml does, so diagnostics stay the same.
 */
export function parseFast(text: string): { data: unknown; root: Located } | null {
  if (FORBIDDEN.test(text)) return null;
  try {
    return new Reader(text).read();
  } catch (error) {
    if (error === DECLINE) return null;
    throw error;
  }
}

const FORBIDDEN = /[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]|^(?:---|\.\.\.|%)/mu;

/** An open block collection. */
interface Block {
  map: boolean;
  indent: number;
  loc: Located;
  data: Record<string, unknown> | unknown[];
  /** A sequence that is the value of the map key at the same column (`key:` then `- item`). */
  compact: boolean;
}

class Reader {
  private pos = 0;
  private readonly stack: Block[] = [];
  /** The last item has an empty value so far: where yaml places the null. */
  private empty: { at: number } | null = null;
  private root: Block | null = null;

  constructor(private readonly text: string) {}

  read(): { data: unknown; root: Located } {
    const t = this.text;
    while (this.pos < t.length) {
      let i = this.pos;
      while (t[i] === " ") i++;
      if (i === t.length || t[i] === "\n" || t[i] === "#") {
        // A blank or comment line: nothing reads where collections end, so comments go to no node.
        const nl = t.indexOf("\n", i);
        this.pos = nl === -1 ? t.length : nl + 1;
        continue;
      }
      this.settle(i - this.pos, i);
      this.line(i, i - this.pos);
    }
    this.settle(-1, t.length);
    if (!this.root) decline();
    return { data: this.root.data, root: this.root.loc };
  }

  /** Before a content line at `indent` (-1: the end): give a pending empty value its null, then close blocks. */
  private settle(indent: number, at: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    if (this.empty) {
      if (indent > top.indent || (indent === top.indent && top.map && this.isSeqItem(at))) return; // a block value follows
      this.fill({ loc: { start: this.empty.at, end: this.empty.at, scalar: true }, data: null, end: this.empty.at });
      this.empty = null;
    }
    const keyLine = indent >= 0 && !this.isSeqItem(at);
    for (;;) {
      const block = this.stack[this.stack.length - 1];
      if (!block) break;
      if (indent === block.indent) {
        if (block.map === keyLine) break;
        // Only a key after a `key:` + `- item` sequence closes a block at its own column.
        if (!(block.compact && keyLine)) decline();
      } else if (indent > block.indent) decline();
      this.stack.pop();
    }
    if (indent >= 0 && this.stack.length === 0) decline();
  }

  private isSeqItem(i: number): boolean {
    return this.text[i] === "-" && (this.text[i + 1] === " " || this.text[i + 1] === "\n" || i + 1 === this.text.length);
  }

  /** Put a finished value into the last item of the innermost block. */
  private fill(node: FlowNode): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    if (top.map) {
      (top.loc.values as Array<Located | null>).push(node.loc);
      const keys = top.loc.keys as string[];
      (top.data as Record<string, unknown>)[keys[keys.length - 1] as string] = node.data;
    } else {
      (top.loc.items as Array<Located | null>).push(node.loc);
      (top.data as unknown[]).push(node.data);
    }
  }

  /** Open a block collection at `at` as the value waiting for one (or as the root). */
  private open(map: boolean, at: number, indent: number, compact: boolean): Block {
    if (this.stack.length >= MAX_DEPTH) decline();
    const loc: Located = map ? { start: at, end: at, scalar: false, keys: [], keyRanges: [], values: [] } : { start: at, end: at, scalar: false, items: [] };
    const block: Block = { map, indent, loc, data: map ? {} : [], compact };
    if (this.stack.length === 0) {
      if (this.root || indent !== 0) decline();
      this.root = block;
    } else {
      if (!this.empty) decline();
      this.fill({ loc, data: block.data, end: at });
      this.empty = null;
    }
    this.stack.push(block);
    return block;
  }

  /** A content line whose first character is at `i`, `indent` columns in. */
  private line(i: number, indent: number): void {
    const t = this.text;
    let top = this.stack[this.stack.length - 1];
    if (this.isSeqItem(i)) {
      if (!top || top.map || top.indent !== indent) top = this.open(false, i, indent, !!top && top.map && top.indent === indent);
      let p = i + 1;
      while (t[p] === " ") p++;
      this.empty = { at: p };
      if (p === t.length || t[p] === "\n" || t[p] === "#") return this.lineEnd(p, true);
      if (this.isSeqItem(p)) decline();
      const key = readKey(t, p, false);
      if (key) {
        this.open(true, p, p - (t.lastIndexOf("\n", p - 1) + 1), false);
        return this.pair(key.text, p, key.end);
      }
      this.empty = null;
      const node = readValue(t, p, (this.stack[this.stack.length - 1] as Block).indent, this.stack.length, false);
      this.fill(node);
      return this.lineEnd(node.end, false);
    }
    if (!top || top.indent !== indent || !top.map) this.open(true, i, indent, false);
    const key = readKey(t, i, false);
    if (!key) decline();
    this.pair(key.text, i, key.end);
  }

  /** After `key` (at start, colon at `colon`): its value on this line, or an empty value for the lines below. */
  private pair(key: string, start: number, colon: number): void {
    const t = this.text;
    const top = this.stack[this.stack.length - 1] as Block;
    if (Object.prototype.hasOwnProperty.call(top.data, key)) decline();
    (top.loc.keys as string[]).push(key);
    (top.loc.keyRanges as number[]).push(start, colon);
    let p = colon + 1;
    while (t[p] === " ") p++;
    this.empty = { at: p };
    if (p === t.length || t[p] === "\n" || t[p] === "#") return this.lineEnd(p, true);
    this.empty = null;
    const node = readValue(t, p, (this.stack[this.stack.length - 1] as Block).indent, this.stack.length, false);
    this.fill(node);
    this.lineEnd(node.end, false);
  }

  /** The rest of a line after a node: spaces, a comment, the line break. */
  private lineEnd(p: number, empty: boolean): void {
    const t = this.text;
    let i = p;
    while (t[i] === " ") i++;
    if (t[i] === "#") {
      if (i === p && !empty) decline();
      const nl = t.indexOf("\n", i);
      i = nl === -1 ? t.length : nl;
    }
    if (i < t.length && t[i] !== "\n") decline();
    this.pos = i < t.length ? i + 1 : i;
  }
}
