import type { LinePos } from "../diagnostics/diagnostic.js";
import type { Origin, PolicyPath } from "./merge.js";
import type { SourceMap } from "./source-map.js";

/** Where a value of the (merged) policy was written: the file that supplied it, and the range in it. */
export interface PolicyLocation {
  file: string;
  range: { start: LinePos; end: LinePos };
}

/** Turns a path into the policy (merged or not) into the file, line and column that supplied it. */
export type Locate = (path: readonly (string | number)[], options?: { key?: boolean }) => PolicyLocation;

/** The locator of a policy read from one file: its own source map. */
export function singleFileLocator(file: string, source: SourceMap): Locate {
  return (path, options = {}) => ({ file, range: source.locate(path, options) });
}

/**
 * The locator of a merged policy: follow the path through the origin tree as far as the merge
 * recorded it, then continue in the file that supplied that node (the rest of the path maps one to
 * one there). A path that goes beyond what exists resolves, in that file, to its nearest ancestor,
 * so a key an overlay removed with `null` is shown at that `null`.
 */
export function originLocator(origin: Origin, sources: ReadonlyMap<string, SourceMap>): Locate {
  return (path, options = {}) => {
    const found = originOf(origin, path);
    const source = sources.get(found.file);
    const full = [...found.origin.path, ...found.rest];
    return { file: found.file, range: source ? source.locate(full, options) : { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
  };
}

/** The deepest recorded origin on `path`, and the segments left below it. */
export function originOf(root: Origin, path: readonly (string | number)[]): { file: string; origin: Origin; rest: PolicyPath } {
  let node = root;
  let i = 0;
  for (; i < path.length; i++) {
    const segment = path[i] as string | number;
    const next: Origin | undefined = node.keys ? node.keys.get(String(segment)) : node.items && typeof segment === "number" ? node.items[segment] : undefined;
    if (!next) break;
    node = next;
  }
  return { file: node.file, origin: node, rest: path.slice(i) };
}
