import { Lexer } from "yaml";
import type { YamlSyntax } from "../diagnostics/messages.js";
import type { Lines } from "../util/lines.js";

/** A YAML syntax problem: where, and what (worded by MS1001's constructor). */
export interface SyntaxProblem {
  offset: number;
  end: number;
  syntax: YamlSyntax;
}

/** One error as the yaml library reports it; matched by `code`, never by its wording (but BAD_INDENT, below). */
export interface YamlError {
  code: string;
  message: string;
  pos: [number, number];
}

/** yaml's Lexer control tokens (document start, scalar, flow error): markers the text does not hold. */
export const CONTROL = new Set(["\u0002", "\u0018", "\u001f"]);

/**
 * The offset where flow collections (`{`, `[`) open deeper than `limit`, with the still-open bracket
 * that is most likely never closed. yaml's composer recurses once per flow level
 * (yaml dist/compose/resolve-flow-collection.js resolveFlowCollection → compose-node.js composeNode),
 * and composeNode catches the resulting RangeError and reports it as a RESOURCE_EXHAUSTION error
 * whose message is "Maximum call stack size exceeded", once per frame that unwinds into a catch:
 * an unclosed `{` followed by hundreds of entries gave 38 of them. This scan is iterative (the lexer
 * yields one token at a time) and runs before composing.
 */
export function findFlowTooDeep(text: string, limit: number): { offset: number; opener: number } | undefined {
  // The lexer costs about a tenth of a parse; a plain character scan rules out almost every file first.
  if (roughFlowDepth(text) <= limit) return undefined;
  const open: number[] = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === "{" || token === "[") {
      open.push(offset);
      if (open.length > limit) return { offset, opener: open[0] ?? offset };
    } else if (token === "}" || token === "]") {
      open.pop();
    }
    // yaml's control tokens (document start, scalar, flow error) are markers the text does not hold.
    if (!CONTROL.has(token)) offset += token.length;
  }
  return undefined;
}

/**
 * Bracket depth, skipping quoted strings and comments the simple way. Brackets inside block scalars
 * can make it err either way; the lexer scan confirms a high value, and should a deep file slip
 * through, explainSyntaxError still turns the composer's stack overflow into a useful message.
 */
function roughFlowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth); // { [
    else if (c === 0x7d || c === 0x5d) depth = Math.max(0, depth - 1); // } ]
    else if (c === 0x22 || c === 0x27) {
      // "..." or '...': to the closing quote on the same line
      const end = text.indexOf(c === 0x22 ? '"' : "'", i + 1);
      const eol = text.indexOf("\n", i + 1);
      if (end >= 0 && (eol < 0 || end < eol)) i = end;
    } else if (c === 0x23 && (i === 0 || text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i - 1) === 0x0a)) {
      const eol = text.indexOf("\n", i);
      i = eol < 0 ? text.length : eol;
    }
  }
  return max;
}

/** A line's key and where it starts: `  - name: a` → { key: "name", column: 4 } (0-based column). */
export function keyOf(line: string): { key: string; column: number } | undefined {
  const match = /^(\s*(?:-\s+)*)([^\s#:][^:#]*?)\s*:(\s|$)/.exec(line);
  if (!match) return undefined;
  return { key: match[2] ?? "", column: (match[1] ?? "").length };
}

export function isBlank(line: string): boolean {
  return /^\s*(#.*)?$/.test(line);
}

/**
 * A user-facing message and hint for the yaml library's error codes that new users hit most:
 * a tab, a key indented deeper than its siblings, a key between two indentation levels.
 */
export function explainSyntaxError(error: YamlError, lines: Lines): SyntaxProblem {
  const { code, pos } = error;
  const [offset, end] = pos;
  const plain: SyntaxProblem = { offset, end, syntax: { yaml: error.message } };
  // Should the composer still run out of stack on some other shape, say what it means, not how it failed.
  // yaml dist/compose/compose-node.js composeNode: the only source of RESOURCE_EXHAUSTION, and the only
  // place a stack overflow is caught and reported; the code alone says it.
  if (code === "RESOURCE_EXHAUSTION") return { ...plain, syntax: "nests too deeply" };
  if (code === "TAB_AS_INDENT") return { ...plain, syntax: { yaml: error.message, tab: true } };
  const index = lines.indexOf(offset);
  if (code === "BLOCK_AS_IMPLICIT_KEY" || code === "MULTILINE_IMPLICIT_KEY") {
    // `namespace: b` followed by a line indented deeper: YAML reads it as part of the value.
    const above = keyOf(lines.line(index));
    let next = index + 1;
    while (next < lines.starts.length && isBlank(lines.line(next))) next++;
    const below = next < lines.starts.length ? keyOf(lines.line(next)) : undefined;
    if (above && below && below.column > above.column) {
      const start = (lines.starts[next] ?? 0) + below.column;
      return { offset: start, end: start + below.key.length, syntax: { indentedDeeper: below.key, above } };
    }
    return plain;
  }
  // The one match on yaml's message text, kept on purpose: BAD_INDENT is raised for a block-map item off
  // its map's column (yaml dist/compose/resolve-block-map.js resolveBlockMap, `startColMsg`) and for a
  // flow collection not indented enough (resolve-flow-collection.js resolveFlowCollection), both at the
  // start of a line holding a key, and nothing else in the error tells them apart: over 100,000
  // generated documents a position-and-line test differed from this one on 3,480 of 40,272 BAD_INDENT
  // errors, all flow collections. yaml is pinned exactly (package.json), and test/syntax.test.ts ("a key
  // between two indentation levels") fails if the wording moves.
  if (code === "BAD_INDENT" && /same column/.test(error.message)) {
    const here = keyOf(lines.line(index));
    if (!here) return plain;
    let inner: { key: string; column: number } | undefined;
    let outer: { key: string; column: number } | undefined;
    for (let n = index - 1; n >= 0 && !outer; n--) {
      const k = keyOf(lines.line(n));
      if (!k) continue;
      if (k.column > here.column && !inner) inner = k;
      if (k.column < here.column) outer = k;
    }
    const start = (lines.starts[index] ?? 0) + here.column;
    return { offset: start, end: start + here.key.length, syntax: { between: here, inner, outer } };
  }
  return plain;
}
