import type { DiagnosticCode } from "../diagnostics/codes.js";
import type { Said } from "../diagnostics/messages.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";
import type { MeshModel } from "./mesh-model.js";

/** What verify concludes about one path. */
export type PathResult = "ok" | "broken" | "not checked";

/** One hop from a client to a server, as a consumer of the output would see it. */
export interface VerifyPath {
  /** The rule that modelled it. */
  rule: string;
  from: string;
  to: string;
  port: string;
  /** What the client presents or sends (or trusts, for a trust path). */
  client: string;
  /** What the server accepts (or presents). */
  server: string;
  result: PathResult;
  /** Why a path is broken or was not checked. */
  reason?: string;
}

/** A broken path's diagnostic, before it is placed in a file. */
export interface VerifyFinding extends Said {
  /** The object and field the diagnostic points at. */
  object: KubeObject;
  path: (string | number)[];
}

/** What every rule reads. */
export interface VerifyContext {
  index: ObjectIndex;
  mesh: MeshModel;
}

/** One modelled consumer behaviour, in the shape of istioctl's analyzers. */
export interface VerifyRule {
  id: string;
  /** What it reads (kinds), for docs and reviewers. */
  reads: string[];
  /** The codes it can raise. */
  codes: DiagnosticCode[];
  /** The upstream behaviour it encodes, with its source. */
  models: string;
  /** The hop of DESIGN.md's table it models. */
  hop: "kubelet" | "network" | "injection" | "authentication" | "authorization" | "issuance" | "secrets" | "trust" | "routing";
  /** The inputs that, when missing, leave its paths not checked (INPUTS names how to pass each). */
  needs: InputName[];
  run(context: VerifyContext): { paths: VerifyPath[]; findings: VerifyFinding[] };
}

/**
 * The inputs a rule may lack, each with the sentence that tells the user how to supply it. A "not checked" path
 * names one of these, so the reader knows what would decide it.
 */
export const INPUTS = {
  workloads: "pass `--with` the application's Deployments/StatefulSets/DaemonSets",
  services: "pass `--with` the application's Services",
  namespaces: "pass `--with` the Namespaces (their labels)",
  issuers: "pass `--with` the Issuers/ClusterIssuers the Certificates name",
  trust: "pass `--with` the trust ConfigMaps or trust-manager Bundles the pods mount",
  secrets: "pass `--secrets-dir` (or `--with`) the Secrets written outside the output",
  controlPlane: "pass `--with` the control plane resource (ServiceMeshControlPlane or Istio)",
} as const;

export type InputName = keyof typeof INPUTS;

/** The reason of a path that was not checked: what is missing, and the input that would decide it. */
export function missing(what: string, input: InputName): string {
  return `${what}: ${INPUTS[input]}`;
}
