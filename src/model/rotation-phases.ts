/**
 * The phases of a CA rotation (docs/rotation.md), in the order they are rolled out: the one table
 * that says, for each, which authority signs, which roots trust bundles carry, the phase after it,
 * and what the operator waits for before moving on. `ca rotate` (src/ca/rotation-plan.ts), the
 * explain notes (src/targets/ca-material.ts), the naming rules (src/model/names.ts) and the step
 * checks (src/material/rotation-steps.ts) all read it.
 */
export const ROTATION_PHASES = [
  {
    phase: "trust-both",
    signer: "authority",
    trusts: "both",
    guidance: (authority: string, next: string): string =>
      `trust bundles and the mesh root carry both ${authority} and ${next}; issuers still sign with ${authority}. Wait until every client (Knative components, workloads, the mesh) has reloaded its bundle`,
  },
  {
    phase: "issue-new",
    signer: "next",
    trusts: "both",
    guidance: (_authority: string, next: string): string =>
      `issuers sign with ${next}; bundles still carry both roots. Wait until cert-manager has renewed every certificate (or force it with \`cmctl renew --all\`) and the mesh has rotated workload certificates`,
  },
  {
    phase: "drop-old",
    signer: "next",
    trusts: "next",
    guidance: (authority: string, next: string): string =>
      `bundles carry only ${next}. After a grace period finish the rotation: references move to ${next} and ${authority} leaves the policy`,
  },
] as const satisfies ReadonlyArray<{ phase: string; signer: "authority" | "next"; trusts: "both" | "next"; guidance: (authority: string, next: string) => string }>;

export type Phase = (typeof ROTATION_PHASES)[number]["phase"];

/** The phase names in rollout order. */
export const PHASES: readonly Phase[] = ROTATION_PHASES.map((p) => p.phase);

/** The phase a rotation starts in. */
export const FIRST_PHASE: Phase = ROTATION_PHASES[0].phase;

/** The table row of a phase. */
export function phaseOf(phase: Phase): (typeof ROTATION_PHASES)[number] {
  return ROTATION_PHASES.find((p) => p.phase === phase) as (typeof ROTATION_PHASES)[number];
}

/** The phase after `phase`, or "finished" after the last. */
export function nextPhase(phase: Phase): Phase | "finished" {
  return PHASES[PHASES.indexOf(phase) + 1] ?? "finished";
}

/** What the operator does during `phase` of the rotation of `authority` to `next`, ending with the command that moves on. */
export function phaseGuidance(phase: Phase, authority: string, next: string): string {
  return `${phaseOf(phase).guidance(authority, next)}, then run \`mesh-security ca rotate ${authority}\``;
}
