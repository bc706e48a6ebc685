import { readFile, stat } from "node:fs/promises";
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from "yaml";
import type { Document } from "yaml";
import type { Diagnostic, StageResult } from "../diagnostics/diagnostic.js";
import { diagnostic, fileErrorReason, say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";
import { parseFast } from "./fast-parse.js";
import { SourceMap } from "./source-map.js";
import { Lines } from "../util/lines.js";
import { findFlowTooDeep } from "./syntax-hints.js";
import { explainSyntaxErrors } from "./syntax-repair.js";
import type { YamlError } from "./syntax-hints.js";

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
    return { diagnostics: [unreadablePolicy(file, error)] };
  }
}

/** Why a policy file could not be read: `reason` (missing, unreadable: MS1012), or `tooLarge` (MS1009). */
export class PolicyReadError extends Error {
  constructor(
    readonly reason: string,
    readonly tooLarge?: Said<"MS1009">,
  ) {
    super(reason);
  }
}

const UNPLACED = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** The diagnostic for a policy `file` that cannot be read: MS1009 on its first line, or MS1012. */
export function unreadablePolicy(file: string, error: PolicyReadError): Diagnostic {
  return error.tooLarge ? diagnostic(error.tooLarge, { file, range: UNPLACED }) : diagnostic(say.MS1012(file, error.reason), { file });
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
    throw new PolicyReadError(fileErrorReason(error));
  }
  if (size > MAX_POLICY_BYTES) {
    const tooLarge = say.MS1009(size, MAX_POLICY_BYTES);
    throw new PolicyReadError(tooLarge.message, tooLarge);
  }
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new PolicyReadError(fileErrorReason(error));
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
      diagnostics: [diagnostic(say.MS1014(MAX_DEPTH, { bracket: text[tooDeep.opener] ?? "{", line: opener + 1 }), { file, range: source.rangeOf(tooDeep.offset, tooDeep.offset + 1) })],
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
  const placed: Placed[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0] as Document.Parsed | undefined;

  // One problem per structural mistake (syntax-hints.ts repairs a copy and parses it again); the yaml
  // library also reports cascades of its own (one broken line yields several errors): keep the first per line.
  const errorsOf = (parsed: typeof list): YamlError[] => parsed.flatMap((d) => d.errors.map((e) => ({ ...e, message: firstLine(e.message) })));
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
      said: say.MS1001(problem.syntax),
      offset: problem.offset,
      end: problem.end,
    });
  }
  for (const [index, extra] of list.entries()) {
    if (index > 0) {
      const start = extra.range[0];
      placed.push({ said: say.MS1011("more documents"), offset: start, end: start + 1 });
    }
  }
  if (doc) {
    for (const warning of doc.warnings) {
      // The core schema resolves every standard tag; anything else is a custom tag we cannot honour. yaml
      // 2.9.1 dist/compose/compose-scalar.js findScalarTagByName and compose-collection.js composeCollection
      // warn TAG_RESOLVE_FAILED at the tag token: the tag is named as written there (`!e!foo`, not its expansion).
      // (compose-scalar.js's other TAG_RESOLVE_FAILED warning needs the `compat` option, not set here.)
      const tag = warning.code === "TAG_RESOLVE_FAILED" ? text.slice(warning.pos[0], warning.pos[1]) : undefined;
      placed.push({
        said: tag ? say.MS1011({ tag }) : say.MS1001({ yaml: firstLine(warning.message) }),
        offset: warning.pos[0],
        end: warning.pos[1],
      });
    }
    if (doc.errors.length === 0) placed.push(...checkStructure(doc));
  }

  const diagnostics = placed.map(({ said, offset, end }) => diagnostic(said, { file, range: source.rangeOf(offset, end) }));
  if (diagnostics.length > 0) return { text, diagnostics };
  if (!doc || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    // Every command reads the policy through here, so each says the same.
    return { text, diagnostics: [emptyPolicy(file, source)] };
  }

  const forward = forwardAlias(doc);
  if (forward) return { text, diagnostics: [diagnostic(say.MS1001({ unresolvedAlias: forward.alias }), { file, range: source.rangeOf(forward.offset, forward.end) })] };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml 2.9.1 dist/nodes/Alias.js Alias.resolve throws a ReferenceError when alias expansion exceeds
    // maxAliasCount (an alias bomb); its other ReferenceErrors are an alias with no anchor before it
    // (Alias.toJSON, ruled out by forwardAlias above), alias resolution disabled (maxAliasCount 0, not
    // ours) and an "impossible" unresolved anchor. yaml gives these errors no code, so the class is the
    // fact matched; anything else thrown is reported with yaml's own first line.
    return {
      text,
      diagnostics: [
        diagnostic(error instanceof ReferenceError ? say.MS1010({ expandsBeyond: MAX_ALIAS_COUNT }) : say.MS1001({ yaml: firstLine(error instanceof Error ? error.message : String(error)) }), {
          file,
          range: source.rangeOf(0, 0),
        }),
      ],
    };
  }
  if (isCyclic(data)) {
    return { text, diagnostics: [diagnostic(say.MS1010("recursive"), { file, range: source.rangeOf(0, 0) })] };
  }
  source.attach(doc);
  return { text, value: { file, text, source, data }, diagnostics: [] };
}

/** What loading says, placed by offset in the text. */
interface Placed {
  said: Said;
  offset: number;
  end: number;
}

/**
 * The first alias whose anchor is not set before it. yaml composes such a document without error and
 * throws only in toJS (yaml 2.9.1 dist/nodes/Alias.js Alias.toJSON: "Unresolved alias (the anchor must
 * be set before the alias)"), with no position; this finds it by the same rule Alias.resolve uses (the
 * last node with that anchor before the alias, in `visit` order) and says it there.
 */
function forwardAlias(doc: Document.Parsed): { alias: string; offset: number; end: number } | undefined {
  const anchors = new Set<string>();
  let found: { alias: string; offset: number; end: number } | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (anchors.has(node.source)) return undefined;
        const range = node.range ?? [0, 0, 0];
        found = { alias: node.source, offset: range[0], end: range[1] };
        return visit.BREAK;
      }
      if (node.anchor) anchors.add(node.anchor);
      return undefined;
    },
  });
  return found;
}

/** Tags, non-string keys and nesting depth: the data model has none of them. */
function checkStructure(doc: Document.Parsed): Placed[] {
  const found: Placed[] = [];
  visit(doc, {
    Node(_key, node, path) {
      const range = node.range ?? [0, 0, 0];
      if (isCollection(node)) {
        const depth = path.filter((p) => isCollection(p)).length + 1;
        if (depth > MAX_DEPTH) {
          found.push({ said: say.MS1014(MAX_DEPTH), offset: range[0], end: range[0] + 1 });
          return visit.BREAK;
        }
      }
      return undefined;
    },
    Pair(_key, pair) {
      const key = pair.key;
      if (isScalar(key) && typeof key.value === "string") return undefined;
      const range = (isScalar(key) || isMap(key) || isSeq(key) ? key.range : undefined) ?? [0, 1, 1];
      found.push({ said: say.MS1011("key not a string"), offset: range[0], end: range[1] });
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
  return diagnostic(say.MS1015(), { file, range: source.rangeOf(0, 0) });
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}
