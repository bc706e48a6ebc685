import type { WorkloadRef } from "../model/model.js";
import { emptyPlan } from "./target.js";
import type { PlanContext, Target, TargetPlan } from "./target.js";

// Stakater Reloader rolls a workload when a Secret named in this annotation on the workload's own
// metadata changes; several Secrets are comma-separated (stakater/Reloader README, "Secret").
export const RELOAD_SECRETS_ANNOTATION = "secret.reloader.stakater.com/reload";

const API_VERSION: Record<WorkloadRef["kind"], string> = { Deployment: "apps/v1", StatefulSet: "apps/v1", DaemonSet: "apps/v1" };

/**
 * Reloader annotations, as strategic-merge patches on workloads the policy does not own. A workload is
 * annotated with the serving-certificate Secret of every service that names it: that is the Secret the
 * pod mounts. The router certificate is read by the router (cert-utils copy, externalCertificate), never by
 * the pod, so its renewal does not restart pods. Workloads named by several services get one patch.
 */
export const reloaderTarget: Target = {
  id: "reloader",
  plan({ model }: PlanContext): TargetPlan {
    const plan = emptyPlan();
    const workloads = new Map<string, { ref: WorkloadRef; namespace: string; secrets: Set<string>; services: Set<string> }>();
    for (const service of model.services) {
      if (service.reloadOnRotation.length === 0) continue;
      if (!model.platform.reloader) {
        plan.findings.push({
          code: "MS2111",
          message: `reloadOnRotation of \`${service.name}\` has no effect: platform.reloader is false`,
          path: [...service.path, "reloadOnRotation"],
          hint: "set platform.reloader: true once Stakater Reloader runs on the cluster",
        });
        continue;
      }
      const cert = service.certificate;
      if (!cert) {
        plan.findings.push({
          code: "MS2117",
          message: `reloadOnRotation of \`${service.name}\` has no effect: the service has no serving certificate (its edge Route sends plain HTTP to the pods)`,
          path: [...service.path, "reloadOnRotation"],
          hint: "remove reloadOnRotation, or add `certificate:` if the pods serve TLS to other callers",
        });
        continue;
      }
      for (const ref of service.reloadOnRotation) {
        const key = `${service.namespace}/${ref.kind}/${ref.name}`;
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
    for (const [, { ref, namespace, secrets, services }] of [...workloads.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const reload = [...secrets].sort().join(",");
      plan.objects.push({
        target: "reloader",
        template: "reloader/workload-patch",
        values: { apiVersion: API_VERSION[ref.kind], kind: ref.kind, name: ref.name, namespace, annotations: { [RELOAD_SECRETS_ANNOTATION]: reload } },
        apiVersion: API_VERSION[ref.kind],
        kind: ref.kind,
        name: ref.name,
        namespace,
        role: "patch",
        wave: 0,
        reason: `the ${ref.kind} is owned elsewhere: a patch adds the Reloader annotation so it restarts when ${reload} rotates (reloadOnRotation of ${[...services].sort().join(", ")})`,
        source: [...ref.path],
      });
    }
    return plan;
  },
};
