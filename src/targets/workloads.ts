import { createHash } from "node:crypto";
import { buildCallGraph } from "../model/call-graph.js";
import type { CallEdge } from "../model/call-graph.js";
import type { Model, PolicyPath, Service, ServingCertificate, WorkloadRef } from "../model/model.js";
import { maistraPodMetadata, planMaistraNetwork } from "./maistra-network.js";
import { TRUST_MOUNT_PATH } from "../model/workloads.js";
import { planCallerTrust } from "./caller-trust.js";
import type { TrustItem } from "./caller-trust.js";
import { planReloadAnnotations, RELOAD_CONFIGMAPS_ANNOTATION, RELOAD_SECRETS_ANNOTATION, workloadKey } from "./reloader.js";
import { emptyPlan } from "./target.js";
import type { PlanContext, Target, TargetPlan } from "./target.js";
import { compareText } from "../util/compare.js";

const API_VERSION: Record<WorkloadRef["kind"], string> = { Deployment: "apps/v1", StatefulSet: "apps/v1", DaemonSet: "apps/v1" };

/** The projected volume that holds a caller's trust files. */
export const TRUST_VOLUME = "mesh-security-trust";

interface Mount {
  name: string;
  mountPath: string;
  readOnly: true;
}

/** Everything one workload patch carries, merged from every service that names the workload. */
interface WorkloadPatch {
  ref: WorkloadRef;
  namespace: string;
  annotations: Record<string, string>;
  containers: Map<string, Mount[]>;
  volumes: Map<string, Record<string, unknown>>;
  /** Labels and annotations for the pod template (Maistra: sidecar injection, the router's NetworkPolicy). */
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  why: string[];
  source: PolicyPath;
}

/**
 * Strategic-merge patches on the workloads behind services (owned by other manifests): Reloader
 * annotations, the serving certificate's Secret mounted read-only in `workload.container` only, and the
 * callees' CA trust in each caller's container; plus the ConfigMaps and Bundles that carry that trust.
 * One patch per workload, however many services name it. Strategic merge matches `containers` and
 * `volumes` by `name` and `volumeMounts` by `mountPath` (k8s.io/api core/v1 types.go, patchMergeKey tags),
 * so a patch adds to the application's own lists without replacing them.
 */
export const workloadsTarget: Target = {
  id: "workloads",
  plan(context: PlanContext): TargetPlan {
    const plan = emptyPlan();
    const { model } = context;
    const patches = new Map<string, WorkloadPatch>();
    const patchOf = (namespace: string, ref: WorkloadRef): WorkloadPatch => {
      const key = workloadKey(namespace, ref);
      const existing = patches.get(key);
      if (existing) return existing;
      const created: WorkloadPatch = { ref, namespace, annotations: {}, containers: new Map(), volumes: new Map(), podLabels: {}, podAnnotations: {}, why: [], source: [...ref.path] };
      patches.set(key, created);
      return created;
    };

    for (const [, request] of planReloadAnnotations(model, plan)) {
      const patch = patchOf(request.namespace, request.ref);
      const reload = [...request.secrets].sort().join(",");
      patch.annotations[RELOAD_SECRETS_ANNOTATION] = reload;
      patch.why.push(`the Reloader annotation restarts it when ${reload} rotates (reloadOnRotation of ${[...request.services].sort().join(", ")})`);
    }

    for (const service of model.services) planCertificateMount(service, patchOf, plan);
    for (const service of model.services) planPodMetadata(model, service, patchOf, plan);
    planMaistraNetwork(model, plan);

    const graph = buildCallGraph(model);
    plan.findings.push(...graph.findings, ...graph.edges.flatMap((e) => e.problems));
    const trust = planCallerTrust(context, graph.edges, plan);
    for (const service of model.services) {
      const items = trust.get(`${service.namespace}/${service.name}`);
      if (items && service.workload?.container) planTrustMount(service, service.workload.container, items, model.platform.reloader, patchOf);
    }
    for (const edge of graph.edges) plan.notes.push({ subject: "calls", text: describeCall(edge, model.platform.mesh.flavor) });

    for (const [, patch] of [...patches.entries()].sort(([a], [b]) => compareText(a, b))) {
      const containers = [...patch.containers.entries()]
        .sort(([a], [b]) => compareText(a, b))
        .map(([name, mounts]) => ({ name, volumeMounts: [...mounts].sort((a, b) => compareText(a.mountPath, b.mountPath)) }));
      const volumes = [...patch.volumes.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
      const podMetadata = {
        ...(Object.keys(patch.podLabels).length > 0 ? { labels: patch.podLabels } : {}),
        ...(Object.keys(patch.podAnnotations).length > 0 ? { annotations: patch.podAnnotations } : {}),
      };
      const template = {
        ...(Object.keys(podMetadata).length > 0 ? { metadata: podMetadata } : {}),
        ...(containers.length > 0 ? { spec: { containers, volumes } } : {}),
      };
      plan.objects.push({
        target: "workloads",
        template: "workloads/workload-patch",
        values: {
          apiVersion: API_VERSION[patch.ref.kind],
          kind: patch.ref.kind,
          name: patch.ref.name,
          namespace: patch.namespace,
          annotations: Object.keys(patch.annotations).length > 0 ? patch.annotations : null,
          template: Object.keys(template).length > 0 ? template : null,
        },
        apiVersion: API_VERSION[patch.ref.kind],
        kind: patch.ref.kind,
        name: patch.ref.name,
        namespace: patch.namespace,
        role: "patch",
        wave: 0,
        reason: `the ${patch.ref.kind} is owned elsewhere: a patch ${patch.why.join("; ")}`,
        source: [...patch.source],
      });
    }
    return plan;
  },
};

/** Maistra's pod template needs (sidecar injection, the router's label) on the service's workload. */
function planPodMetadata(model: Model, service: Service, patchOf: (ns: string, ref: WorkloadRef) => WorkloadPatch, plan: TargetPlan): void {
  const workload = service.workload;
  const meta = workload ? maistraPodMetadata(model, service) : undefined;
  if (!workload || !meta) return;
  const patch = patchOf(service.namespace, workload);
  Object.assign(patch.podLabels, meta.labels);
  Object.assign(patch.podAnnotations, meta.annotations);
  for (const why of meta.why) if (!patch.why.includes(why)) patch.why.push(why);
  plan.notes.push({
    subject: `service ${service.namespace}/${service.name}`,
    text: `the pod template of ${workload.kind.toLowerCase()}/${workload.name} gets ${[...Object.entries(meta.annotations), ...Object.entries(meta.labels)].map(([k, v]) => `${k}: "${v}"`).join(" and ")} (a patch): ${meta.why.join("; ")}`,
  });
}

/** A DNS-1123 label for a volume: `<prefix>-<name>`, shortened with a hash when too long. */
export function volumeName(prefix: string, name: string): string {
  const full = `${prefix}-${name}`;
  if (full.length <= 63) return full;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${full.slice(0, 63 - 9).replace(/-+$/, "")}-${hash}`;
}

function planCertificateMount(service: Service, patchOf: (ns: string, ref: WorkloadRef) => WorkloadPatch, plan: TargetPlan): void {
  const workload = service.workload;
  const mount = service.certificateMount;
  const cert: ServingCertificate | undefined = service.certificate;
  if (!workload?.container || !mount || !cert) return;
  const patch = patchOf(service.namespace, workload);
  const name = volumeName("cert", service.name);
  patch.volumes.set(name, { name, secret: { secretName: cert.secretName } });
  const mounts = patch.containers.get(workload.container) ?? [];
  mounts.push({ name, mountPath: mount.mountPath, readOnly: true });
  patch.containers.set(workload.container, mounts);
  patch.why.push(`mounts Secret ${cert.secretName} read-only at ${mount.mountPath} in container ${workload.container} only`);
  plan.notes.push({
    subject: `service ${service.namespace}/${service.name}`,
    text: `Secret ${cert.secretName} is mounted read-only at ${mount.mountPath} in container ${workload.container} of ${workload.kind.toLowerCase()}/${workload.name}; the pod's other containers do not see the key`,
  });
}

function planTrustMount(service: Service, container: string, items: readonly TrustItem[], reloader: boolean, patchOf: (ns: string, ref: WorkloadRef) => WorkloadPatch): void {
  const workload = service.workload;
  if (!workload) return;
  const patch = patchOf(service.namespace, workload);
  const byConfigMap = new Map<string, Map<string, { key: string; path: string }>>();
  // Merge with what another service on the same workload already put there.
  const previous = patch.volumes.get(TRUST_VOLUME) as { projected: { sources: Array<{ configMap: { name: string; items: Array<{ key: string; path: string }> } }> } } | undefined;
  for (const source of previous?.projected.sources ?? []) {
    byConfigMap.set(source.configMap.name, new Map(source.configMap.items.map((i) => [i.path, i])));
  }
  for (const item of items) {
    const files = byConfigMap.get(item.configMap) ?? new Map<string, { key: string; path: string }>();
    files.set(item.path, { key: item.key, path: item.path });
    byConfigMap.set(item.configMap, files);
  }
  const names = [...byConfigMap.keys()].sort();
  patch.volumes.set(TRUST_VOLUME, {
    name: TRUST_VOLUME,
    projected: {
      sources: names.map((name) => ({ configMap: { name, items: [...(byConfigMap.get(name)?.values() ?? [])].sort((a, b) => compareText(a.path, b.path)) } })),
    },
  });
  const mounts = patch.containers.get(container) ?? [];
  if (!mounts.some((m) => m.mountPath === TRUST_MOUNT_PATH)) mounts.push({ name: TRUST_VOLUME, mountPath: TRUST_MOUNT_PATH, readOnly: true });
  patch.containers.set(container, mounts);
  patch.why.push(`mounts the CA trust of the services ${service.name} calls at ${TRUST_MOUNT_PATH} in container ${container}`);
  // A rotated CA reaches a client only when it rereads its trust: restart it when a bundle changes.
  if (reloader) patch.annotations[RELOAD_CONFIGMAPS_ANNOTATION] = names.join(",");
}

function describeCall(edge: CallEdge, flavor: string): string {
  const t = edge.trust;
  const trusts =
    t.type === "service-ca"
      ? `the Service CA (ConfigMap ${t.configMap}, injected)`
      : t.type === "authority"
        ? `authority ${t.roots.join(" + ")} (ConfigMap ${t.configMap})`
        : t.type === "trust-manager"
          ? `authority ${t.roots.join(" + ")} (trust-manager Bundle ${t.configMap})`
          : t.type === "system"
            ? `its system trust (public ACME issuer ${t.issuer}), nothing mounted`
            : t.type === "plaintext"
              ? "nothing (the service serves plain text: it has no serving certificate)"
              : `nothing it could verify (selfSigned issuer ${t.issuer})`;
  const where = edge.trustFile ? ` at ${edge.trustFile}` : "";
  const p = edge.presents;
  const presents = p
    ? `Secret ${p.secretName} from ${p.issuer === "service-ca" ? "the Service CA" : `issuer ${p.issuer}`}${p.mountPath ? ` (mounted at ${p.mountPath} in container ${p.container})` : " (not mounted by this policy: the workload must mount it itself)"}`
    : "no certificate";
  const mtls = edge.mtls ? `mesh mTLS ${edge.mtls.mode} (from ${edge.mtls.source === "service" ? "the service" : edge.mtls.source === "namespace" ? "its namespace" : "mtls.mode"})` : "no mesh mTLS";
  const authz = !edge.authorization.enforced
    ? `authorization not enforced (${flavor === "none" ? "no mesh: any client that reaches the port may call" : "no mesh"})`
    : edge.authorization.principal
      ? `authorized by AuthorizationPolicy ${edge.authorization.policy} as ${edge.authorization.principal}`
      : "NOT authorized (no service account)";
  const verdict = edge.problems.length > 0 ? "; CANNOT SUCCEED (see the diagnostics)" : "";
  return `${edge.caller.namespace}/${edge.caller.name} → ${edge.callee.namespace}/${edge.callee.name}: client trusts ${trusts}${where}; server presents ${presents}; ${mtls}; ${authz}${verdict}`;
}
