import type { DiagnosticCode } from "../diagnostics/codes.js";
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
export interface VerifyFinding {
  code: DiagnosticCode;
  message: string;
  hint?: string;
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
  run(context: VerifyContext): { paths: VerifyPath[]; findings: VerifyFinding[] };
}
