import type { Model } from "../model/model.js";
import type { TargetPlan } from "./target.js";

/** The control plane's TLS settings in the target's own names. */
export interface MeshTlsSettings {
  minProtocolVersion: string;
  maxProtocolVersion: string;
  cipherSuites: string[];
  ecdhCurves: string[];
}

/** TLS settings for the mesh flavor, from the resolved TLS policy; wired to src/tls when it lands. */
export function meshTlsSettings(_model: Model, _plan: TargetPlan): MeshTlsSettings | undefined {
  return undefined;
}
