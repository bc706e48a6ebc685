import { isObject } from "./manifests.js";
import { field, labels } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";

/** A Service port and the pod port its endpoints carry (undefined when a named targetPort cannot be resolved). */
export interface ServicePort {
  index: number;
  name?: string;
  port: number;
  targetPort: number | string;
  podPort?: number;
}

const WORKLOAD_KINDS = ["apps/Deployment", "apps/StatefulSet", "apps/DaemonSet"];

/** The Service's selector, or undefined when it has none (endpoints managed by hand) or it was not read. */
export function selectorOf(service: KubeObject): Record<string, string> | undefined {
  const s = field(service.body, "spec", "selector");
  return isObject(s) && Object.keys(s).length > 0 ? (Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)])) as Record<string, string>) : undefined;
}

/** True when `subset` ⊆ `labels`. */
export function matchesLabels(subset: Record<string, string>, all: Record<string, string>): boolean {
  return Object.entries(subset).every(([k, v]) => all[k] === v);
}

/** Workloads read (`--with`) whose pod template labels the Service selects. */
export function workloadsOf(index: ObjectIndex, service: KubeObject): KubeObject[] {
  const selector = selectorOf(service);
  if (!selector) return [];
  return WORKLOAD_KINDS.flatMap((gk) => index.list(gk, service.namespace)).filter((w) => {
    const podLabels = field(w.body, "spec", "template", "metadata", "labels");
    return isObject(podLabels) && matchesLabels(selector, Object.fromEntries(Object.entries(podLabels).map(([k, v]) => [k, String(v)])));
  });
}

/** The pod labels of a Service's pods as far as known: its selector, plus template labels when one workload was read. */
export function podLabelsOf(index: ObjectIndex, service: KubeObject): { labels: Record<string, string>; exact: boolean } {
  const selector = selectorOf(service) ?? {};
  const workloads = workloadsOf(index, service);
  if (workloads.length === 1 && workloads[0]) {
    const podLabels = field(workloads[0].body, "spec", "template", "metadata", "labels");
    if (isObject(podLabels)) return { labels: Object.fromEntries(Object.entries(podLabels).map(([k, v]) => [k, String(v)])), exact: true };
  }
  return { labels: selector, exact: false };
}

/**
 * The Service's ports with the pod port each maps to. A numeric targetPort is the pod port; a named one is
 * looked up among the containers of the workloads the Service selects (Kubernetes endpoints controller).
 * Undefined when the Service's spec was not read.
 */
export function servicePorts(index: ObjectIndex, service: KubeObject): ServicePort[] | undefined {
  const ports = field(service.body, "spec", "ports");
  if (!Array.isArray(ports)) return undefined;
  const containers = workloadsOf(index, service).flatMap((w) => {
    const c = field(w.body, "spec", "template", "spec", "containers");
    return Array.isArray(c) ? c : [];
  });
  return ports.filter(isObject).map((p, i) => {
    const port = Number(p["port"]);
    const target = p["targetPort"] ?? port;
    const targetPort = typeof target === "number" ? target : /^\d+$/.test(String(target)) ? Number(target) : String(target);
    let podPort = typeof targetPort === "number" ? targetPort : undefined;
    if (typeof targetPort === "string") {
      for (const c of containers) {
        const found = (Array.isArray(field(c, "ports")) ? (field(c, "ports") as unknown[]) : []).find((cp) => field(cp, "name") === targetPort);
        if (found !== undefined) podPort = Number(field(found, "containerPort"));
      }
    }
    return { index: i, ...(typeof p["name"] === "string" ? { name: p["name"] } : {}), port, targetPort, ...(podPort !== undefined ? { podPort } : {}) };
  });
}

/** The DNS names of a Service (what a serving certificate must carry). */
export function serviceDnsNames(service: KubeObject): string[] {
  const ns = service.namespace ?? "default";
  return [service.name, `${service.name}.${ns}`, `${service.name}.${ns}.svc`, `${service.name}.${ns}.svc.cluster.local`];
}

/** Label helper re-exported for rules that only need it. */
export { labels };
