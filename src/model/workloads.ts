import type { Finding } from "../diagnostics/diagnostic.js";
import { say, type MountUse } from "../diagnostics/messages.js";
import { suggest } from "../util/suggest.js";
import type { CallerRef, PolicyPath, Service, Workload } from "./model.js";
import type { ServiceInput } from "./policy-input.js";
import { compareText } from "../util/compare.js";

/** Where a caller's container finds the CA trust of the services it calls: `<dir>/<callee>.<namespace>.pem`. */
export const TRUST_MOUNT_PATH = "/etc/mesh-security/trust";

/** The file, under TRUST_MOUNT_PATH, that holds the trust for calls to `callee`. */
export function trustFileName(callee: { name: string; namespace: string }): string {
  return `${callee.name}.${callee.namespace}.pem`;
}

/** `services[].workload`, with its kind defaulted by the schema. */
export function normalizeWorkload(raw: ServiceInput, path: PolicyPath): Workload | undefined {
  const w = raw.workload;
  if (!w) return undefined;
  return {
    kind: w.kind,
    name: w.name,
    path: [...path, "workload"],
    ...(w.container ? { container: w.container } : {}),
    ...(w.serviceAccount ? { serviceAccount: w.serviceAccount } : {}),
  };
}

/** A certificate mount needs a workload to patch and the one container that terminates TLS. */
export function checkCertificateMount(service: string, mount: { path: PolicyPath }, workload: Workload | undefined, path: PolicyPath, report: (f: Finding) => void): void {
  if (!workload) {
    report({ ...say.MS2601(service), path: [...mount.path], at: "key" });
  } else if (!workload.container) {
    report({ ...say.MS2602({ mount: service }), path: [...path, "workload"], at: "key" });
  }
}

/**
 * Resolve `callers` entries (`name` in the callee's namespace, or `namespace/name`) to services of the
 * policy. An undeclared caller is an error with the closest declared name; callers that were declared but
 * dropped for other errors are skipped without a second report.
 */
export function resolveCallers(
  services: readonly Service[],
  raw: readonly ServiceInput[],
  originalIndex: (index: number) => number,
  declared: ReadonlySet<string>,
  report: (f: Finding) => void,
): void {
  const byPath = new Map(services.map((s) => [s.path[1], s]));
  const normalized = new Set(services.map((s) => `${s.namespace}/${s.name}`));
  for (const [index, input] of raw.entries()) {
    const callee = byPath.get(originalIndex(index));
    if (!callee || !input.callers) continue;
    const callers: CallerRef[] = [];
    const seen = new Set<string>();
    for (const [i, entry] of input.callers.entries()) {
      const path = [...callee.path, "callers", i];
      const [namespace, name] = entry.includes("/") ? (entry.split("/") as [string, string]) : [callee.namespace, entry];
      const key = `${namespace}/${name}`;
      if (!declared.has(key)) {
        // Suggest in the form the user wrote: a bare name for the callee's namespace, else namespace/name.
        const shown = [...declared].map((k) => (k.startsWith(`${callee.namespace}/`) && !entry.includes("/") ? k.slice(callee.namespace.length + 1) : k));
        const hint = suggest(entry, shown);
        report({ ...say.MS2603(entry, callee.name, key, hint), path });
        continue;
      }
      if (seen.has(key)) {
        report({ ...say.MS2613(entry, callee.name, key), path });
        continue;
      }
      seen.add(key);
      if (normalized.has(key)) callers.push({ namespace, name, path });
    }
    callee.callers = callers.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
  }
}

/**
 * Rules across services that share a workload: a pod runs as one service account, and two volumes
 * cannot be mounted at one path of a container (the API server rejects the pod).
 */
export function checkWorkloads(services: readonly Service[], report: (f: Finding) => void): void {
  const callers = new Set(services.flatMap((s) => s.callers.map((c) => `${c.namespace}/${c.name}`)));
  const accounts = new Map<string, { account: string; service: string }>();
  const mounts = new Map<string, MountUse>();
  for (const service of services) {
    const w = service.workload;
    if (!w) continue;
    const key = `${service.namespace}/${w.kind}/${w.name}`;
    if (w.serviceAccount) {
      const first = accounts.get(key);
      if (first && first.account !== w.serviceAccount) {
        report({ ...say.MS2606(`${w.kind.toLowerCase()}/${w.name}`, first, { account: w.serviceAccount, service: service.name }), path: [...w.path, "serviceAccount"] });
      } else if (!first) accounts.set(key, { account: w.serviceAccount, service: service.name });
    }
    if (!w.container) continue;
    const wanted: Array<{ at: string; what: MountUse; path: PolicyPath }> = [];
    if (service.certificateMount) wanted.push({ at: service.certificateMount.mountPath, what: { certificateOf: service.name }, path: service.certificateMount.path });
    if (callers.has(`${service.namespace}/${service.name}`)) wanted.push({ at: TRUST_MOUNT_PATH, what: "callers' trust", path: [...w.path, "container"] });
    for (const mount of wanted) {
      const at = mount.at.replace(/\/+$/, "");
      const slot = `${key}/${w.container}:${at}`;
      const first = mounts.get(slot);
      if (first === undefined) {
        mounts.set(slot, mount.what);
      } else if (!sameMountUse(first, mount.what)) {
        report({ ...say.MS2607(w.container, `${w.kind.toLowerCase()}/${w.name}`, first, mount.what, at, TRUST_MOUNT_PATH), path: [...mount.path] });
      }
    }
  }
}

function sameMountUse(a: MountUse, b: MountUse): boolean {
  return typeof a === "string" || typeof b === "string" ? a === b : a.certificateOf === b.certificateOf;
}
