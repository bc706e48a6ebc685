import type { VerifyPath } from "../verify/rule.js";
import { describePath } from "../verify/describe-path.js";
import { CA_SWAP, DISRUPTIVE, directionOf, fillWhy, ruleFor } from "./classify.js";
import type { ChangeClass, Property } from "./classify.js";
import { entityLabel } from "./facts.js";
import type { Entity, Fact, PathKind, WireModel } from "./facts.js";
import { compareText } from "../util/compare.js";

/** One change on the wire (DESIGN.md "diff": `{ subject, path, property, before, after, class, why }`). */
export interface Change {
  subject: string;
  /** The path as explain names it; null for a change of the subject itself. */
  path: string | null;
  property: string;
  before: string | null;
  after: string | null;
  class: ChangeClass[];
  why: string;
}

/** A path drawn in the HTML graph, with what happened to it. */
export interface GraphEdge {
  kind: PathKind;
  from: string;
  to: string;
  state: "added" | "removed" | "changed" | "same";
  classes: ChangeClass[];
}

/** Set-valued properties: a fact's item is the value shown. */
const SET_VALUED: ReadonlySet<Property> = new Set(["certificateName", "cipherSuite", "ecdhCurve", "trustAnchor"]);

/** Compare the wire facts of two sides: every change, classified by the table, in a stable order. */
export function compareWire(base: WireModel, head: WireModel): { changes: Change[]; edges: GraphEdge[] } {
  const changes: Change[] = [];
  const edges: GraphEdge[] = [];
  const keys = [...new Set([...base.entities.keys(), ...head.entities.keys()])].sort(compareText);
  for (const key of keys) {
    const before = base.entities.get(key);
    const after = head.entities.get(key);
    const entity = (after ?? before) as Entity;
    const found: Change[] = [];
    if (!before || !after) {
      const property: Property = entity.path ? (`${entity.path.kind}Path` as Property) : "subject";
      const direction = before ? "removed" : "added";
      const rule = ruleFor(property, direction);
      found.push(change(entity, property, undefined, before?.summary, after?.summary, [...rule.classes], fillWhy(rule.why, { before: before?.summary, after: after?.summary })));
    } else {
      const factKeys = [...new Set([...before.facts.keys(), ...after.facts.keys()])].sort(compareText);
      for (const fk of factKeys) found.push(...compareFact(entity, before.facts.get(fk), after.facts.get(fk), before, after, base, head));
    }
    changes.push(...found);
    if (entity.path && entity.path.kind !== "namespace") {
      edges.push({ kind: entity.path.kind, from: entity.path.from, to: entity.path.to, state: !before ? "added" : !after ? "removed" : found.length > 0 ? "changed" : "same", classes: unique(found.flatMap((c) => c.class)) });
    }
  }
  return { changes, edges };
}

function compareFact(entity: Entity, before: Fact | undefined, after: Fact | undefined, beforeEntity: Entity, afterEntity: Entity, base: WireModel, head: WireModel): Change[] {
  const fact = (after ?? before) as Fact;
  const setValued = SET_VALUED.has(fact.property);
  const shown = (f: Fact | undefined): string | undefined => (f === undefined ? undefined : setValued ? setItem(f) : f.value);
  const b = shown(before);
  const a = shown(after);
  const direction = directionOf(fact.property, before?.value, after?.value);
  if (!direction) return [];
  // A service that follows its namespace changes with it: that change is the namespace's, reported once.
  if (fact.property === "mtlsMode" && entity.context && !beforeEntity.context?.ownMtls && !afterEntity.context?.ownMtls) return [];
  const rule = ruleFor(fact.property, direction);
  const classes: ChangeClass[] = [...rule.classes];
  const whys = [fillWhy(rule.why, { before: b, after: a })];
  const disrupt = (why: string): void => {
    if (!classes.includes("disruptive")) classes.push("disruptive");
    whys.push(why);
  };
  if (fact.property === "mtlsMode" && after?.value === "STRICT") {
    if (before?.value === "DISABLE") disrupt(DISRUPTIVE.disableToStrict);
    const who = afterEntity.context?.withoutIdentity ?? beforeEntity.context?.withoutIdentity ?? [];
    if (before?.value !== undefined && who.length > 0) disrupt(fillWhy(DISRUPTIVE.strictWithoutIdentity, { who: who.join(", ") }));
  }
  if (CA_SWAP.has(fact.property) && before !== undefined && after !== undefined && !coveredByRotation(entity, before.value, after.value, base, head)) disrupt(DISRUPTIVE.caSwap);
  const property = fact.item !== undefined && !setValued ? `${fact.property} (${fact.item})` : setValued && fact.property === "certificateName" ? `certificateName (${(fact.item ?? "").split(" ")[0] ?? ""})` : fact.property;
  return [{ ...change(entity, fact.property, property, b, a, classes, whys.join("; ")) }];
}

/** A CA swap that `rotation` (on either side) carries: the authority, its issuers or the mesh CA moving between its two authorities. */
function coveredByRotation(entity: Entity, before: string, after: string, base: WireModel, head: WireModel): boolean {
  return [base.rotation, head.rotation].some((r) => {
    if (!r) return false;
    const names = [r.authority, r.next];
    if (entity.subject.startsWith("authority ")) return names.includes(entity.subject.slice("authority ".length));
    return names.includes(before) && names.includes(after);
  });
}

function setItem(fact: Fact): string {
  return fact.property === "certificateName" ? (fact.item ?? "").split(" ").slice(1).join(" ") : (fact.item ?? "");
}

function change(entity: Entity, property: Property, label: string | undefined, before: string | undefined, after: string | undefined, classes: ChangeClass[], why: string): Change {
  return { subject: entity.subject, path: entity.path ? entityLabel(entity) : null, property: label ?? property, before: before ?? null, after: after ?? null, class: classes, why };
}

/**
 * Paths as `verify` models them on each side's compiled output: a path that becomes broken (or is
 * repaired) is a change, named as explain names it.
 */
export function compareVerified(base: readonly VerifyPath[], head: readonly VerifyPath[]): Change[] {
  const keyOf = (p: VerifyPath): string => `${p.rule} ${describePath(p)}`;
  const state = (p: VerifyPath | undefined): string | undefined => (p === undefined ? undefined : p.result === "broken" ? `broken: ${p.reason ?? ""}`.replace(/: $/, "") : p.result);
  const before = new Map(base.map((p) => [keyOf(p), p]));
  const after = new Map(head.map((p) => [keyOf(p), p]));
  const changes: Change[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort(compareText)) {
    const b = before.get(key);
    const a = after.get(key);
    const wasBroken = b?.result === "broken";
    const isBroken = a?.result === "broken";
    if (wasBroken === isBroken) continue;
    // A path that appears broken, or stops existing while broken, is judged as a move from or to ok.
    const from = state(b) ?? "ok";
    const to = state(a) ?? "ok";
    const direction = directionOf("verifiedPath", from, to);
    if (!direction) continue;
    const rule = ruleFor("verifiedPath", direction);
    const p = (a ?? b) as VerifyPath;
    changes.push({ subject: "verify", path: describePath(p), property: "verifiedPath", before: from, after: to, class: [...rule.classes], why: fillWhy(rule.why, { before: from, after: to }) });
  }
  return changes;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

