import type { Finding } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/model.js";
import type { PlannedObject, TargetId } from "../plan/planned-object.js";
import type { IgnoreDifference } from "../write/output-tree.js";

import type { AuthorityMaterialView } from "../plan/authority-material.js";

export type { AuthorityMaterialView } from "../plan/authority-material.js";

/** What a target may read while planning. */
export interface PlanContext {
  model: Model;
  /** CA material by authority name (generated authorities only; empty until loaded). */
  authorities: ReadonlyMap<string, AuthorityMaterialView>;
  /** Objects found in the previous output directory, by `kind/namespace/name` (for migration rules). */
  previous: ReadonlyMap<string, Record<string, unknown>>;
}

/** A line of `explain` output: what was decided for a subject (a service, a namespace, the mesh) and why. */
export interface ExplainNote {
  subject: string;
  text: string;
}

/** What a target returns: objects to render, rule findings, Argo CD hints, explanations. */
export interface TargetPlan {
  objects: PlannedObject[];
  findings: Finding[];
  ignoreDifferences: IgnoreDifference[];
  notes: ExplainNote[];
}

/** One manifest family. Adding a target is a new module registered in targets/registry.ts. */
export interface Target {
  id: TargetId;
  /** Kinds this target compares with the previous output (only their files are read back). */
  previousKinds?: readonly string[];
  plan(context: PlanContext): TargetPlan;
}

/** An empty plan to fill in. */
export function emptyPlan(): TargetPlan {
  return { objects: [], findings: [], ignoreDifferences: [], notes: [] };
}
