import type { Pruned } from "../model/pruned.js";
import { valueAt } from "./schema-check.js";

export type { Pruned } from "../model/pruned.js";

/** Nothing pruned: every index is its own. */
export function nothingPruned(): Pruned {
  return { issuers: new Set(), authorities: new Set(), services: new Set(), originalIndex: new Map() };
}

/** Sections whose entries can be dropped one by one (lists by index, maps by key). */
const ENTRY_SECTIONS = new Set(["services", "caBundles", "issuers", "authorities"]);

/**
 * A copy of the data without the parts that failed the schema, so the semantic rules can still run on
 * the rest and one run reports everything. Returns undefined when what failed is essential (identity).
 */
export function pruneInvalid(data: unknown, errorPaths: readonly (readonly (string | number)[])[]): { data: unknown; pruned: Pruned } | undefined {
  const pruned = nothingPruned();
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const copy = structuredClone(data) as Record<string, unknown>;
  const dropIndexes = new Map<string, Set<number>>();
  for (const path of errorPaths) {
    const [section, entry, third, fourth] = path;
    if (section === undefined || section === "apiVersion" || section === "kind") return undefined;
    if (section === "metadata") {
      // The name only labels output; keep checking the rest under a stand-in.
      copy["metadata"] = { name: "invalid-name" };
      continue;
    }
    if (typeof section !== "string") return undefined;
    if (ENTRY_SECTIONS.has(section) && entry !== undefined) {
      if (typeof entry === "number") {
        const set = dropIndexes.get(section) ?? new Set<number>();
        set.add(entry);
        dropIndexes.set(section, set);
        const dropped = section === "services" ? valueAt(copy, [section, entry]) : undefined;
        if (typeof dropped === "object" && dropped !== null) {
          const { name, namespace } = dropped as Record<string, unknown>;
          if (typeof name === "string" && typeof namespace === "string") pruned.services.add(`${namespace}/${name}`);
        }
      } else {
        if (section === "issuers") pruned.issuers.add(entry);
        if (section === "authorities") pruned.authorities.add(entry);
        const map = copy[section];
        if (typeof map === "object" && map !== null) delete (map as Record<string, unknown>)[entry];
      }
    } else if (section === "mtls" && entry === "namespaces" && typeof third === "string" && fourth === undefined) {
      const map = valueAt(copy, ["mtls", "namespaces"]);
      if (typeof map === "object" && map !== null) delete (map as Record<string, unknown>)[third];
    } else {
      delete copy[section];
    }
  }
  for (const [section, indexes] of dropIndexes) {
    const list = copy[section];
    if (!Array.isArray(list)) continue;
    const kept = list.map((_, index) => index).filter((index) => !indexes.has(index));
    copy[section] = kept.map((index) => list[index]);
    pruned.originalIndex.set(section, kept);
  }
  return { data: copy, pruned };
}
