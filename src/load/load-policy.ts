import { readFile, stat } from "node:fs/promises";
import { isCollection, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from "yaml";
import type { Document } from "yaml";
import type { Diagnostic, Finding, StageResult } from "../diagnostics/diagnostic.js";
import { parseFast } from "./fast-parse.js";
import { SourceMap } from "./source-map.js";
import { Lines } from "../util/lines.js";
import { findFlowTooDeep } from "./syntax-hints.js";
import { explainSyntaxErrors } from "./syntax-repair.js";
import type { YamlError } from "./syntax-repair.js";

/** The policy as read from disk: its text, where each node is (a source map; the parsed document is not kept), and plain data. */
export interface LoadedPolicy {
  file: string;
  text: string;
  source: SourceMap;
  data: unknown;
}

/** No real policy comes near this; a larger file is refused before it is read. */
export const MAX_POLICY_BYTES = 8 * 1024 * 1024;
/** Alias expansions allowed while converting to data: enough for any real use of anchors. */
const MAX_ALIAS_COUNT = 1000;
const MAX_DEPTH = 64;

/** What loading found, as findings placed by offset (the pipeline turns them into diagnostics). */
export interface LoadResult extends StageResult<LoadedPolicy> {
  /** Set when the file could be read, even if it did not parse: diagnostics need the text for frames. */
  text?: string;
}

/** Read and parse the policy file; never throws for bad input. */
export async function loadPolicy(file: string): Promise<LoadResult> {
  try {
    return parsePolicyText(file, await readPolicyFile(file));
  } catch (error) {
    if (!(error instanceof PolicyReadError)) throw error;
    return {
      diagnostics: [{ code: error.code, severity: "error", message: error.code === "MS1009" ? error.reason : `cannot read ${file}: ${error.reason}`, file, path: [], ...(error.code === "MS1009" ? { range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } } : {}) }],
    };
  }
}

/** Why a policy file could not be read: MS1012 (missing, unreadable) or MS1009 (too large). */
export class PolicyReadError extends Error {
  constructor(
    readonly reason: string,
    readonly code: "MS1009" | "MS1012" = "MS1012",
  ) {
    super(reason);
  }
}

/** The text of a policy file from disk; rejects with a PolicyReadError saying why it cannot be read. */
export async function readPolicyFile(file: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new PolicyReadError("is not a regular file");
    size = info.size;
  } catch (error) {
    if (error instanceof PolicyReadError) throw error;
    throw new PolicyReadError(describeFsError(error));
  }
  if (size > MAX_POLICY_BYTES) throw new PolicyReadError(`policy file is ${size} bytes; the limit is ${MAX_POLICY_BYTES} bytes`, "MS1009");
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new PolicyReadError(describeFsError(error));
  }
}

/** Parse policy text already in memory (loadPolicy, after reading the file; tests call it directly). */
export function parsePolicyText(file: string, text: string): LoadResult {
  const lineCounter = new LineCounter();
  const lines = new Lines(text);
  const tooDeep = findFlowTooDeep(text, MAX_DEPTH);
  if (tooDeep) {
    // Composing would recurse once per level: stop here with one diagnostic naming the likely cause.
    const opener = lines.indexOf(tooDeep.opener);
    lineCounter.lineStarts.push(...lines.starts);
    const source = new SourceMap(text, lineCounter);
    return {
      text,
      diagnostics: [
        {
          code: "MS1014",
          severity: "error",
          message: `brackets nest deeper than ${MAX_DEPTH} levels`,
          file,
          path: [],
          range: source.rangeOf(tooDeep.offset, tooDeep.offset + 1),
          hint: `the \`${text[tooDeep.opener] ?? "{"}\` on line ${opener + 1} is probably never closed`,
        },
      ],
    };
  }
  const fast = parseFast(text);
  if (fast) {
    // The common subset, read without yaml's CST; anything else (and every error) goes to yaml below.
    for (const start of lines.starts) lineCounter.addNewLine(start);
    const source = new SourceMap(text, lineCounter);
    source.attachLocated(fast.root);
    return { text, value: { file, text, source, data: fast.data }, diagnostics: [] };
  }
  const options = { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, version: "1.2", schema: "core", keepSourceTokens: false } as const;
  const docs = parseAllDocuments(text, options);
  const source = new SourceMap(text, lineCounter);
  const placed: Array<{ finding: Finding; offset: number; end: number }> = [];
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0] as Document.Parsed | undefined;

  // One problem per structural mistake (syntax-hints.ts repairs a copy and parses it again); the yaml
  // library also reports cascades of its own (one broken line yields several errors): keep the first per line.
  const errorsOf = (parsed: typeof list): YamlError[] => parsed.flatMap((d) => d.errors.map((e) => ({ code: e.code, message: firstLine(e.message), pos: e.pos })));
  const reparse = (repaired: string): YamlError[] => {
    const again = parseAllDocuments(repaired, { ...options, lineCounter: new LineCounter() });
    return errorsOf(Array.isArray(again) ? again : [again]);
  };
  const syntaxLines = new Set<number>();
  for (const problem of explainSyntaxErrors(text, errorsOf(list), reparse)) {
    const line = lines.indexOf(problem.offset);
    if (syntaxLines.has(line)) continue;
    syntaxLines.add(line);
    placed.push({
      finding: { code: "MS1001", message: problem.message, path: [], ...(problem.hint ? { hint: problem.hint } : {}) },
      offset: problem.offset,
      end: problem.end,
    });
  }
  for (const [index, extra] of list.entries()) {
    if (index > 0) {
      const start = extra.range[0];
      placed.push({ finding: { code: "MS1011", message: "the policy file must hold exactly one YAML document", path: [] }, offset: start, end: start + 1 });
    }
  }
  if (doc) {
    for (const warning of doc.warnings) {
      // The core schema resolves every standard tag; anything else is a custom tag we cannot honour.
      const tag = /Unresolved tag: (\S+)/.exec(warning.message)?.[1];
      placed.push({
        finding: tag ? { code: "MS1011", message: `custom YAML tag ${tag} is not supported`, path: [] } : { code: "MS1001", message: firstLine(warning.message), path: [] },
        offset: warning.pos[0],
        end: warning.pos[1],
      });
    }
    if (doc.errors.length === 0) placed.push(...checkStructure(doc));
  }

  const diagnostics = placed.map(({ finding, offset, end }) => ({
    ...finding,
    severity: "error" as const,
    file,
    range: source.rangeOf(offset, end),
  }));
  if (diagnostics.length > 0) return { text, diagnostics };
  if (!doc || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    // Every command reads the policy through here, so each says the same.
    return { text, diagnostics: [emptyPolicy(file, source)] };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError when alias expansion exceeds maxAliasCount (an alias bomb).
    const message = error instanceof Error ? error.message : String(error);
    return {
      text,
      diagnostics: [
        {
          code: /alias/i.test(message) ? "MS1010" : "MS1001",
          severity: "error",
          message: /alias/i.test(message) ? `anchors and aliases expand beyond ${MAX_ALIAS_COUNT} nodes` : firstLine(message),
          file,
          path: [],
          range: source.rangeOf(0, 0),
        },
      ],
    };
  }
  if (isCyclic(data)) {
    return {
      text,
      diagnostics: [{ code: "MS1010", severity: "error", message: "an alias refers to the node that contains it (a recursive structure)", file, path: [], range: source.rangeOf(0, 0) }],
    };
  }
  source.attach(doc);
  return { text, value: { file, text, source, data }, diagnostics: [] };
}

/** Tags, non-string keys and nesting depth: the data model has none of them. */
function checkStructure(doc: Document.Parsed): Array<{ finding: Finding; offset: number; end: number }> {
  const found: Array<{ finding: Finding; offset: number; end: number }> = [];
  visit(doc, {
    Node(_key, node, path) {
      const range = node.range ?? [0, 0, 0];
      if (isCollection(node)) {
        const depth = path.filter((p) => isCollection(p)).length + 1;
        if (depth > MAX_DEPTH) {
          found.push({ finding: { code: "MS1014", message: `collections nest deeper than ${MAX_DEPTH} levels`, path: [] }, offset: range[0], end: range[0] + 1 });
          return visit.BREAK;
        }
      }
      return undefined;
    },
    Pair(_key, pair) {
      const key = pair.key;
      if (isScalar(key) && typeof key.value === "string") return undefined;
      const range = (isScalar(key) || isMap(key) || isSeq(key) ? key.range : undefined) ?? [0, 1, 1];
      found.push({ finding: { code: "MS1011", message: "map keys must be plain strings", path: [] }, offset: range[0], end: range[1] });
      return undefined;
    },
  });
  return found;
}

/** True when the data refers back to itself (a recursive YAML alias); every later stage walks the tree. */
function isCyclic(root: unknown): boolean {
  const onPath = new Set<object>();
  const visit = (value: unknown): boolean => {
    if (typeof value !== "object" || value === null) return false;
    if (onPath.has(value)) return true;
    onPath.add(value);
    const children = Array.isArray(value) ? value : Object.values(value);
    const cyclic = children.some(visit);
    onPath.delete(value);
    return cyclic;
  };
  return visit(root);
}

/** The one diagnostic for a file with nothing in it but comments or blank lines. */
function emptyPolicy(file: string, source: SourceMap): Diagnostic {
  return {
    code: "MS1015",
    severity: "error",
    message: "the policy file is empty: it holds no YAML document, only comments or blank lines",
    file,
    path: [],
    range: source.rangeOf(0, 0),
    hint: "run `mesh-security init` for a commented starter policy",
  };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return code ?? (error instanceof Error ? error.message : String(error));
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}
