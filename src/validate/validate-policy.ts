import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { Model } from "../model/model.js";
import { normalize } from "../model/normalize.js";
import type { PolicyInput } from "../model/policy-input.js";
import { findInlineSecrets } from "./inline-secrets.js";
import { nothingPruned, pruneInvalid } from "./prune.js";
import type { Pruned } from "./prune.js";
import { inRenamedSubtree, isTolerated, recoverData, startsWith, toDocumentPath } from "./recover.js";
import type { Recovery, Rename } from "./recover.js";
import { checkSchema, knownKeysAt } from "./schema-check.js";
import type { SchemaCheck } from "./schema-check.js";

/** Recovery passes after the first check: a renamed key can reveal one more level of mistakes. */
const MAX_PASSES = 4;

/** What validation found, and how to read later findings against the values it recovered. */
export interface Validated {
  value?: Model;
  findings: Finding[];
  /** Drop findings that only arise from a stand-in value; put renamed keys back as the policy spells them. */
  settle: (findings: readonly Finding[]) => Finding[];
}

/**
 * Schema, inline-secret check and normalization. A schema error is repaired at the smallest node it
 * names (see recover.ts) and the semantic rules run on the recovered model, so that one run reports
 * every mistake once, each at its own line; an entry is dropped only when nothing local fits.
 */
export function validatePolicy(data: unknown, file: string): Validated {
  const secretFindings = findInlineSecrets(data).map(hintThatCompiles);
  const secretPaths = new Set(secretFindings.map((f) => f.path.join("\u0000")));
  const userFacing = (check: SchemaCheck): Finding[] =>
    check.findings
      .filter((f) => !(f.code === "MS1002" && secretPaths.has(f.path.join("\u0000"))));
  let check = checkSchema(data);
  const findings = [...secretFindings, ...userFacing(check)];
  const identity = (list: readonly Finding[]): Finding[] => [...list];
  // Another apiVersion or kind is another format: nothing else in the file can be read with this schema.
  if (findings.some((f) => f.code === "MS1013")) return { findings, settle: identity };

  const recoveries: Recovery[] = [];
  const renames: Rename[] = [];
  let current: unknown = data;
  let pruned: Pruned = nothingPruned();
  for (let pass = 0; pass < MAX_PASSES && !check.valid; pass++) {
    const repaired = recoverData(current, check.errors);
    // Recorded with the policy's own list indexes, whatever entries earlier passes dropped.
    const before = pruned;
    recoveries.push(...repaired.recoveries.map((r) => ({ ...r, path: toDocumentIndexes(r.path, before) })));
    renames.push(...repaired.renames.map((r) => ({ ...r, parent: toDocumentIndexes(r.parent, before) })));
    current = repaired.data;
    if (repaired.unrecovered.length > 0) {
      const cut = pruneInvalid(current, repaired.unrecovered);
      if (!cut) return { findings, settle: identity };
      current = cut.data;
      pruned = mergePruned(pruned, cut.pruned);
    }
    check = checkSchema(current);
    // What was under a misspelt key is checked for the first time now: its mistakes are new.
    const seen = new Set(findings.map((f) => `${f.code}|${f.path.join("/")}`));
    for (const f of userFacing(check)) {
      const path = toDocumentIndexes(f.path, pruned);
      if (!inRenamedSubtree(path, renames)) continue;
      const placed = { ...f, path: toDocumentPath(path, renames) };
      if (!seen.has(`${placed.code}|${placed.path.join("/")}`)) findings.push(placed);
    }
    if (!repaired.changed && repaired.unrecovered.length === 0) break;
  }
  if (!check.valid && !check.errors.every(isTolerated)) return { findings, settle: identity };

  const input = check.value as PolicyInput;
  const normalized = normalize(input, file, pruned);
  const settle = settler(recoveries, renames);
  const semantic = keepRobust(normalized.findings, input, file, pruned, recoveries);
  return { value: normalized.value, findings: [...findings, ...settle(semantic)], settle };
}

/**
 * "write `passwordSecretRef: ...`" only where the schema has that key; elsewhere the edit would be an
 * unknown key, so the hint names the references the map does take, or says to remove the value.
 */
function hintThatCompiles(finding: Finding): Finding {
  const key = finding.path[finding.path.length - 1];
  if (finding.at !== "key" || typeof key !== "string") return finding;
  const parent = finding.path.slice(0, -1);
  const known = knownKeysAt(parent);
  if (!known || known.has(`${key}SecretRef`)) return finding;
  const refs = { map: parent.length > 0 ? String(parent[parent.length - 1]) : "", keys: [...known].filter((k) => k.endsWith("SecretRef")) };
  return { ...finding, ...say.MS2008({ key, refs }) };
}

/** Drop findings below a guessed value and translate renamed paths back to the policy's spelling. */
function settler(recoveries: readonly Recovery[], renames: readonly Rename[]): (list: readonly Finding[]) => Finding[] {
  const guessed = recoveries.filter((r) => r.kind === "guessed").map((r) => r.path);
  // `host: [x]` was left out, so "exposure external needs `host`" is about the stand-in, not a mistake.
  const removed = recoveries.filter((r) => r.removed).map((r) => ({ entry: r.path.slice(0, -1), key: `\`${String(r.path[r.path.length - 1])}\`` }));
  return (list) =>
    list
      .filter((f) => !guessed.some((g) => startsWith(f.path, g)))
      .filter((f) => !removed.some((r) => startsWith(f.path, r.entry) && f.message.includes(r.key)))
      .map((f) => ({ ...f, path: toDocumentPath(f.path, renames) }));
}

/**
 * A finding that holds however a guessed enum value is read is about something else and is kept; one
 * that appears for the stand-in but not for every other allowed value arises from the stand-in alone.
 * Each alternative run gives every guessed enum its next allowed value, so a handful of runs suffice.
 */
function keepRobust(found: readonly Finding[], input: PolicyInput, file: string, pruned: Pruned, recoveries: readonly Recovery[]): Finding[] {
  const guesses = recoveries.filter((r) => r.kind === "guessed" && r.alternatives && r.alternatives.length > 1);
  if (guesses.length === 0 || found.length === 0) return [...found];
  const runs = Math.max(...guesses.map((g) => g.alternatives?.length ?? 0));
  let kept = [...found];
  for (let run = 0; run < runs && kept.length > 0; run++) {
    const variant = structuredClone(input) as unknown;
    for (const guess of guesses) {
      const alternatives = guess.alternatives ?? [];
      const path = toPrunedPath(guess.path, pruned);
      if (path) setValue(variant, path, structuredClone(alternatives[run % alternatives.length]));
    }
    let other: Finding[];
    try {
      other = normalize(variant as PolicyInput, file, pruned).findings;
    } catch {
      continue; // an alternative the rules cannot read tells nothing
    }
    const present = new Set(other.map((f) => `${f.code}|${f.path.join("/")}`));
    kept = kept.filter((f) => present.has(`${f.code}|${f.path.join("/")}`));
  }
  return kept;
}

/** A path in data whose dropped entries closed their gaps, with the policy's own list indexes. */
function toDocumentIndexes(path: readonly (string | number)[], pruned: Pruned): (string | number)[] {
  const [section, index] = path;
  if (typeof section !== "string" || typeof index !== "number") return [...path];
  const kept = pruned.originalIndex.get(section);
  return kept?.[index] === undefined ? [...path] : [section, kept[index], ...path.slice(2)];
}

/** A recovered path in the data after dropped entries closed their gaps; undefined when its entry was dropped. */
function toPrunedPath(path: readonly (string | number)[], pruned: Pruned): (string | number)[] | undefined {
  const [section, index] = path;
  if (typeof section !== "string" || typeof index !== "number") return [...path];
  const kept = pruned.originalIndex.get(section);
  if (!kept) return [...path];
  const at = kept.indexOf(index);
  return at < 0 ? undefined : [section, at, ...path.slice(2)];
}

function setValue(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let current = root;
  for (const segment of path.slice(0, -1)) {
    if (typeof current !== "object" || current === null) return;
    current = (current as Record<string | number, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (last !== undefined && typeof current === "object" && current !== null) (current as Record<string | number, unknown>)[last] = value;
}

/** `b` dropped entries from data that `a` had already cut: compose the index maps. */
function mergePruned(a: Pruned, b: Pruned): Pruned {
  const originalIndex = new Map(a.originalIndex);
  for (const [section, kept] of b.originalIndex) {
    const earlier = a.originalIndex.get(section);
    originalIndex.set(section, earlier ? kept.map((i) => earlier[i] ?? i) : kept);
  }
  return { issuers: new Set([...a.issuers, ...b.issuers]), authorities: new Set([...a.authorities, ...b.authorities]), services: new Set([...a.services, ...b.services]), originalIndex };
}
