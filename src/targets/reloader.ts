import type { Model, WorkloadRef } from "../model/model.js";
import { say } from "../diagnostics/messages.js";
import type { TargetPlan } from "./target.js";

// Stakater Reloader rolls a workload when a Secret (or ConfigMap) named in these annotations on the
// workload's own metadata changes; several names are comma-separated, each an anchored regular expression
// (stakater/Reloader pkg/common/common.go ShouldReload: strings.Split(value, ","), TrimSpace, regexp "^"+v+"$"),
// so the compiler's plain Secret names (DNS-1123: no regex metacharacters but ".") match themselves.
export const RELOAD_SECRETS_ANNOTATION = "secret.reloader.stakater.com/reload";
export const RELOAD_CONFIGMAPS_ANNOTATION = "configmap.reloader.stakater.com/reload";

/** The Secrets whose change restarts one workload, and the services that asked for it. */
export interface ReloadRequest {
  ref: WorkloadRef;
  namespace: string;
  secrets: Set<string>;
  services: Set<string>;
}

/**
 * Reloader annotations by workload (`namespace/Kind/name`). A workload is annotated with the serving-
 * certificate Secret of every service that names it: that is the Secret the pod mounts. The router
 * certificate is read by the router (cert-utils copy, externalCertificate), never by the pod, so its
 * renewal does not restart pods. The workloads target turns these into one patch per workload.
 */
export function planReloadAnnotations(model: Model, plan: TargetPlan): Map<string, ReloadRequest> {
  const workloads = new Map<string, ReloadRequest>();
  for (const service of model.services) {
    if (service.reloadOnRotation.length === 0) continue;
    if (!model.platform.reloader) {
      plan.findings.push({ ...say.MS2111(service.name), path: [...service.path, "reloadOnRotation"] });
      continue;
    }
    const cert = service.certificate;
    if (!cert) {
      plan.findings.push({ ...say.MS2117(service.name), path: [...service.path, "reloadOnRotation"] });
      continue;
    }
    for (const ref of service.reloadOnRotation) {
      const key = workloadKey(service.namespace, ref);
      const entry = workloads.get(key) ?? { ref, namespace: service.namespace, secrets: new Set<string>(), services: new Set<string>() };
      entry.secrets.add(cert.secretName);
      entry.services.add(service.name);
      workloads.set(key, entry);
      plan.notes.push({
        subject: `service ${service.namespace}/${service.name}`,
        text: `Reloader restarts ${ref.kind.toLowerCase()}/${ref.name} when Secret ${cert.secretName} changes (a renewed certificate)`,
      });
    }
  }
  return workloads;
}

/** The key workload patches are merged by. */
export function workloadKey(namespace: string, ref: { kind: string; name: string }): string {
  return `${namespace}/${ref.kind}/${ref.name}`;
}
