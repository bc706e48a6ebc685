import { Lexer } from "yaml";
import { Lines } from "../util/lines.js";
import { CONTROL, explainSyntaxError, isBlank, keyOf } from "./syntax-hints.js";
import type { SyntaxProblem, YamlError } from "./syntax-hints.js";

/** A text edit made to assume a fix: `removed` characters at `at` replaced by `inserted` ones. */
interface Edit {
  at: number;
  removed: number;
  inserted: number;
}

/** At most this many mistakes are repaired one after another before the rest is reported as yaml sees it. */
const MAX_REPAIRS = 20;
/**
 * Larger texts are not repaired: each repair parses the text again, and yaml's error path is slow on a
 * broken file (a 60 KB file indented with tabs throughout: 0.7 s a parse). Real policies are a few KB.
 */
const MAX_REPAIR_TEXT = 256 * 1024;

/**
 * The syntax problems of a text, one per structural mistake. A tab in the indentation and a `[` or `{`
 * that is never closed each make yaml report errors on every line after them, whose hints would make
 * the file worse. So, as a compiler's parser recovers by assuming the fix it suggests (rustc), each such
 * mistake is reported once, at its own line, then repaired in a copy of the text, which is parsed again
 * (`reparse`); what is still wrong in the repaired text is reported at its place in the original text.
 */
export function explainSyntaxErrors(text: string, errors: readonly YamlError[], reparse: (text: string) => readonly YamlError[]): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const edits: Edit[] = [];
  const back = (offset: number): number => {
    let at = offset;
    for (const edit of [...edits].reverse()) {
      if (at >= edit.at + edit.inserted) at = at - edit.inserted + edit.removed;
      else if (at > edit.at) at = edit.at;
    }
    return at;
  };
  // Edits made in this round: an error of the round's parse lies after them by what they inserted.
  const batchEdits: Edit[] = [];
  const forward = (offset: number): number => batchEdits.reduce((at, edit) => (at >= edit.at + edit.removed ? at - edit.removed + edit.inserted : at), offset);
  const place = (p: SyntaxProblem): SyntaxProblem => ({ ...p, offset: back(p.offset), end: Math.max(back(p.offset), back(p.end)) });
  let working = text;
  let current = sortErrors(errors);
  for (let round = 0; current.length > 0; round++) {
    let lines = new Lines(working);
    const first = current[0] as YamlError;
    // yaml reports every tab-indented line: they are repaired together, top down (each aligned with the
    // line above as repaired), and parsed again once. Anything else is repaired one mistake at a time.
    const batch = first.code === "TAB_AS_INDENT" ? current.filter((e) => e.code === "TAB_AS_INDENT") : [first];
    let repaired = 0;
    for (const error of round < MAX_REPAIRS && text.length <= MAX_REPAIR_TEXT ? batch : []) {
      const fix = structuralFix(working, { ...error, pos: [forward(error.pos[0]), forward(error.pos[1])] }, lines);
      if (!fix) break;
      problems.push(place(fix.problem));
      working = working.slice(0, fix.edit.at) + fix.replacement + working.slice(fix.edit.at + fix.edit.removed);
      edits.push(fix.edit);
      batchEdits.push(fix.edit);
      lines = new Lines(working);
      repaired++;
    }
    batchEdits.length = 0;
    if (repaired === 0) {
      problems.push(...current.map((e) => place(explainSyntaxError(e, lines))));
      break;
    }
    current = sortErrors(reparse(working));
  }
  return problems;
}

function sortErrors(errors: readonly YamlError[]): YamlError[] {
  return [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
}

/** The problem and the edit that repairs it, for the mistakes that cascade; undefined for any other error. */
function structuralFix(text: string, error: YamlError, lines: Lines): { problem: SyntaxProblem; edit: Edit; replacement: string } | undefined {
  // A tab after spaces is not always TAB_AS_INDENT to yaml (`  \tkey` is BAD_INDENT): any error on a line
  // whose indentation holds a tab is that tab's.
  if (error.code === "TAB_AS_INDENT" || /^[ \t]*(-[ \t]+)*/.exec(lines.line(lines.indexOf(error.pos[0])))?.[0].includes("\t")) {
    const fix = tabFix(error.pos[0], lines);
    if (fix) return fix;
  }
  // yaml reports a flow collection without its closing bracket where it noticed (the next block line, or
  // the end): BAD_INDENT inside a block collection, MISSING_CHAR at the root (yaml src/compose/
  // resolve-flow-collection.ts resolveFlowCollection). BAD_INDENT has other causes (resolve-block-map.ts,
  // resolve-block-seq.ts, resolve-block-scalar.ts): this one is told apart by a bracket still open before it.
  if (error.code === "BAD_INDENT" || error.code === "MISSING_CHAR") {
    const open = openBrackets(text, error.pos[0]);
    const opener = open[open.length - 1];
    if (opener !== undefined) return bracketFix(text, opener, error.pos[0], lines);
  }
  return undefined;
}

/** A line's indentation holds a tab: replace it with the spaces that align the line as it most likely means. */
function tabFix(offset: number, lines: Lines): { problem: SyntaxProblem; edit: Edit; replacement: string } | undefined {
  const index = lines.indexOf(offset);
  const start = lines.starts[index] ?? 0;
  const line = lines.line(index);
  const indent = /^[ \t]*/.exec(line)?.[0] ?? "";
  const dashes = /^(-[ \t]+)*/.exec(line.slice(indent.length))?.[0] ?? "";
  if (!indent.includes("\t")) {
    if (!dashes.includes("\t")) return undefined;
    // `-<tab>name: a`: the tab separates the list indicator from the entry.
    const at = start + indent.length;
    const spaced = dashes.replace(/[ \t]+/g, " ");
    return {
      problem: { offset: at, end: at + dashes.length, syntax: "tab after dash" },
      edit: { at, removed: dashes.length, inserted: spaced.length },
      replacement: spaced,
    };
  }
  const rest = line.slice(indent.length);
  // The line above that has content: its key's column, or two deeper when it opens a block (`key:`).
  let above = index - 1;
  while (above >= 0 && isBlank(lines.line(above))) above--;
  const previous = above >= 0 ? lines.line(above) : "";
  const key = keyOf(previous);
  // `key:` opens a block below it; so does a block scalar's `key: |` (or `>-`, `|2`...).
  const opens = /:\s*([|>][-+0-9]*)?\s*(#.*)?$/.test(previous);
  // A list item lines its `-` up with the item above it; any other line aligns with the key above it.
  const item = rest.startsWith("-") && !opens ? dashAbove(lines, index) : undefined;
  // A line above without a key (text of a block scalar): the same indentation as that line.
  const column = item ?? (key ? key.column + (opens ? 2 : 0) : (/^ */.exec(previous)?.[0].length ?? 0));
  const own = keyOf(" ".repeat(column) + rest)?.key;
  const like = item !== undefined ? "item above" : key ? { ...key, opens } : above >= 0 ? "line above" : undefined;
  const tabs = indent.split("\t").length - 1;
  return {
    problem: { offset: start, end: start + indent.length, syntax: { tabs, key: own || undefined, column, like } },
    edit: { at: start, removed: indent.length, inserted: column },
    replacement: " ".repeat(column),
  };
}

/** The column of the nearest list item's `-` above a line (already repaired lines included), or undefined. */
function dashAbove(lines: Lines, index: number): number | undefined {
  for (let n = index - 1; n >= 0; n--) {
    const match = /^( *)- /.exec(lines.line(n));
    if (match) return (match[1] ?? "").length;
  }
  return undefined;
}

/** A `[` or `{` never closed: say so at the bracket, and close it where its last line of content ends. */
function bracketFix(text: string, opener: number, errorAt: number, lines: Lines): { problem: SyntaxProblem; edit: Edit; replacement: string } {
  const bracket = text[opener] === "{" ? "{" : "[";
  const closer = bracket === "{" ? "}" : "]";
  const openLine = lines.indexOf(opener);
  // The last line with content before the line yaml stopped at (at least the bracket's own line).
  let last = Math.max(openLine, lines.indexOf(errorAt) - (errorAt >= text.length ? 0 : 1));
  while (last > openLine && isBlank(lines.line(last))) last--;
  const content = lines.line(last);
  const comment = /\s+#.*$/.exec(content);
  const end = (lines.starts[last] ?? 0) + (comment ? comment.index : content.replace(/\s+$/, "").length);
  return {
    problem: { offset: opener, end: opener + 1, syntax: { unclosed: bracket, line: openLine + 1, closeOnLine: last + 1, afterEntries: last !== openLine } },
    edit: { at: end, removed: 0, inserted: 1 },
    replacement: closer,
  };
}

/** Offsets of the flow brackets still open at `offset`, outermost first (quoted text and comments skipped by the lexer). */
function openBrackets(text: string, offset: number): number[] {
  const open: number[] = [];
  let at = 0;
  for (const token of new Lexer().lex(text)) {
    if (at >= offset) break;
    if (token === "{" || token === "[") open.push(at);
    else if (token === "}" || token === "]") open.pop();
    if (!CONTROL.has(token)) at += token.length;
  }
  return open;
}
