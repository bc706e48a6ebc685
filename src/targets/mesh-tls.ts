import type { Model } from "../model/model.js";
import { formatForTarget } from "../tls/resolve.js";
import type { TargetPlan } from "./target.js";

/** The control plane's TLS settings in the target's own names. */
export interface MeshTlsSettings {
  minProtocolVersion: string;
  maxProtocolVersion: string;
  cipherSuites: string[];
  ecdhCurves: string[];
}

/** TLS settings for the mesh flavor, from the TLS policy resolved in the model. */
export function meshTlsSettings(model: Model, plan: TargetPlan): MeshTlsSettings | undefined {
  const flavor = model.platform.mesh.flavor;
  const resolved = model.tlsResolved;
  if (flavor === "none" || !resolved) return undefined;
  const settings = formatForTarget(resolved, flavor);
  plan.notes.push({
    subject: "mesh",
    text: `TLS from profile ${resolved.profile} (${resolved.guidelines}): ${resolved.minVersion}..${resolved.maxVersion} (min from ${resolved.source.minVersion}), ${resolved.cipherSuites.length} TLS 1.2 suite(s) from the ${resolved.source.cipherSuites}, curves ${resolved.ecdhCurves.join(", ")}${resolved.dropped.length ? `; left out as unsupported by ${flavor}: ${resolved.dropped.join(", ")}` : ""}`,
  });
  return settings;
}
