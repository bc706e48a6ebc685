import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic, say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";
import { parsePolicyText, PolicyReadError, readPolicyFile, unreadablePolicy } from "./load-policy.js";
import { mergeLayer, strayRemovals, wholeFile, withoutKeys } from "./merge.js";
import type { Layered, MergeProblem, OverlayChange } from "./merge.js";
import { originLocator, singleFileLocator } from "./provenance.js";
import type { Locate } from "./provenance.js";
import type { SourceMap } from "./source-map.js";

/**
 * How the loader reaches the files of an `extends` chain. The default reads the disk; `diff` reads a
 * revision (`git show REV:PATH`) by passing its own. Every file is named by the label `resolve` returns,
 * and diagnostics carry that label as their `file`.
 */
export interface PolicyFiles {
  /** The text of a file; rejects when it cannot be read (the error's message says why). */
  read(file: string): Promise<string>;
  /** The label of the file `ref` (an `extends` value) names, seen from the file `from`. */
  resolve(from: string, ref: string): string;
  /** What makes two labels the same file, for cycle detection (default: the label itself). */
  identify?(file: string): string;
}

/** Files on disk. Bases are named the way the root was: relative to the working directory when it was. */
export const DISK_FILES: PolicyFiles = {
  read: readPolicyFile,
  resolve: (from, ref) => (isAbsolute(from) ? resolve(dirname(from), ref) : join(dirname(from), ref)),
  identify: (file) => resolve(file),
};

/** `files`, except that the policy `file` itself is `text`, already read (`diff` reads a side with `git show`). */
export function withRootText(file: string, text: string, files: PolicyFiles = DISK_FILES): PolicyFiles {
  return { ...files, read: (f) => (f === file ? Promise.resolve(text) : files.read(f)) };
}

/** A policy with its `extends` chain read and merged into one document. */
export interface LoadedChain {
  /** The policy named on the command line. */
  file: string;
  /** The merged document, `extends` and `$remove` entries taken out. */
  data: unknown;
  /** The file, line and column that supplied each value. */
  locate: Locate;
  /** The chain, from the policy named to its last base. */
  files: string[];
  /** Each value an overlay set or removed, by the file closest to the policy named (empty without `extends`). */
  changes: OverlayChange[];
}

/** What loading a chain found; `sources` holds the text of every file read, for code frames. */
export interface ChainResult {
  value?: LoadedChain;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

interface Layer {
  file: string;
  data: Record<string, unknown>;
  source: SourceMap;
}

const UNPLACED = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** Read `file` and every file its `extends` chain names, and merge them (DESIGN.md "Fleets"); never throws for bad input. */
export async function loadPolicyChain(file: string, files: PolicyFiles = DISK_FILES): Promise<ChainResult> {
  const sources = new Map<string, string>();
  const layers: Layer[] = [];
  const identify = files.identify ?? ((f: string) => f);
  const fail = (diagnostics: Diagnostic[]): ChainResult => ({ diagnostics, sources });
  let current = file;
  for (;;) {
    const from = layers[layers.length - 1];
    const atExtends = (said: Said): Diagnostic => diagnostic(said, { file: from?.file ?? current, path: ["extends"], range: from ? from.source.locate(["extends"]) : UNPLACED });
    let text: string;
    try {
      text = await files.read(current);
    } catch (error) {
      const reason = error instanceof PolicyReadError ? error.reason : error instanceof Error ? error.message : String(error);
      if (from) return fail([atExtends(say.MS1021(current, from.file, reason))]);
      return fail([unreadablePolicy(current, error instanceof PolicyReadError ? error : new PolicyReadError(reason))]);
    }
    sources.set(current, text);
    const parsed = parsePolicyText(current, text);
    if (!parsed.value) return fail(parsed.diagnostics);
    const data = parsed.value.data;
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      // The schema says what a policy is; a base that is not even a map cannot be merged into.
      if (from) return fail([atExtends(say.MS1021(current, from.file))]);
      return { diagnostics: [], sources, value: { file, data, locate: singleFileLocator(current, parsed.value.source), files: [current], changes: [] } };
    }
    const layer: Layer = { file: current, data: data as Record<string, unknown>, source: parsed.value.source };
    layers.push(layer);
    if (!("extends" in layer.data)) break;
    const ref = layer.data["extends"];
    if (typeof ref !== "string" || ref.trim() === "" || isAbsolute(ref)) {
      return fail([atExtendsOf(layer, say.MS1023(ref))]);
    }
    const next = files.resolve(current, ref);
    const loop = layers.findIndex((l) => identify(l.file) === identify(next));
    if (loop !== -1) {
      const chain = [...layers.slice(loop).map((l) => l.file), next];
      return fail([atExtendsOf(layer, say.MS1020(current, next, chain, layers[loop]?.file ?? next))]);
    }
    current = next;
  }
  const merged = mergeChain(file, layers);
  return { ...merged, sources };
}

/** A diagnostic at the `extends` value of a layer. */
function atExtendsOf(layer: Layer, said: Said<"MS1020" | "MS1023">): Diagnostic {
  return diagnostic(said, { file: layer.file, path: ["extends"], range: layer.source.locate(["extends"]) });
}

/** Merge the chain from its last base up to the policy named; report `$remove` that removes nothing. */
function mergeChain(file: string, layers: readonly Layer[]): { value: LoadedChain; diagnostics: Diagnostic[] } {
  const strip = (data: Record<string, unknown>): Record<string, unknown> => {
    const { extends: _ignored, ...rest } = data;
    return rest;
  };
  const last = layers[layers.length - 1] as Layer;
  const sourceMaps = new Map(layers.map((l) => [l.file, l.source] as const));
  let merged: Layered = wholeFile(strip(last.data), last.file);
  const problems: MergeProblem[] = [];
  const changes = new Map<string, OverlayChange>();
  for (const layer of [...layers].reverse().slice(1)) {
    const result = mergeLayer(merged, strip(layer.data), layer.file);
    merged = result.value;
    problems.push(...result.problems);
    // A value set by a base and set again by the file above it: the file above is what explain names.
    for (const change of result.changes) {
      changes.delete(change.at);
      changes.set(change.at, change);
    }
  }
  const locate = layers.length === 1 ? singleFileLocator(last.file, last.source) : originLocator(merged.origin, sourceMaps);
  const placed = problems.map((p): Diagnostic => diagnostic(p.said, { file: p.file, path: p.path, range: (sourceMaps.get(p.file) as SourceMap).locate(p.path, { key: p.key === true }) }));
  const strays = strayRemovals(merged.data);
  const stray = strays.map((path): Diagnostic => {
    const where = locate(path, { key: true });
    return diagnostic(say.MS1022("removes nothing"), { file: where.file, path, range: where.range });
  });
  return {
    value: { file, data: withoutKeys(merged.data, strays), locate, files: layers.map((l) => l.file), changes: [...changes.values()].map((c) => ({ ...c, range: (sourceMaps.get(c.file) as SourceMap).locate(c.path, { key: c.action === "removed" }) })) },
    diagnostics: [...placed, ...stray],
  };
}
