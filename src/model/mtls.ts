import type { Model, PolicyPath, Service } from "./model.js";
import type { MtlsMode } from "./policy-input.js";

/** The mTLS mode in force for a namespace, and where it comes from. */
export interface NamespaceMtls {
  namespace: string;
  mode: MtlsMode;
  source: "mesh" | "namespace";
  path: PolicyPath;
}

// Per model (models are readonly): serviceMtls asks once per service, which made a compile quadratic.
const byModel = new WeakMap<Model, { list: NamespaceMtls[]; byName: Map<string, NamespaceMtls> }>();

/** Every namespace the policy touches (overrides and services), with its effective mode. Sorted. */
export function namespaceMtls(model: Model): readonly NamespaceMtls[] {
  return namespaces(model).list;
}

function namespaces(model: Model): { list: NamespaceMtls[]; byName: Map<string, NamespaceMtls> } {
  let cached = byModel.get(model);
  if (!cached) {
    const list = computeNamespaceMtls(model);
    cached = { list, byName: new Map(list.map((n) => [n.namespace, n])) };
    byModel.set(model, cached);
  }
  return cached;
}

function computeNamespaceMtls(model: Model): NamespaceMtls[] {
  const mtls = model.mtls;
  const meshMode = mtls?.mode ?? "PERMISSIVE";
  const overrides = new Map((mtls?.namespaces ?? []).map((n) => [n.namespace, n]));
  const names = new Set([...overrides.keys(), ...model.services.map((s) => s.namespace)]);
  return [...names].sort().map((namespace) => {
    const override = overrides.get(namespace);
    return override
      ? { namespace, mode: override.mode, source: "namespace", path: override.path }
      : { namespace, mode: meshMode, source: "mesh", path: mtls?.path ?? ["mtls"] };
  });
}

/** The mode a service's pods accept on its port, and where it comes from. */
export function serviceMtls(model: Model, service: Service): { mode: MtlsMode; source: "mesh" | "namespace" | "service" } {
  if (service.mtls) return { mode: service.mtls.mode, source: "service" };
  const ns = namespaces(model).byName.get(service.namespace);
  return { mode: ns?.mode ?? model.mtls?.mode ?? "PERMISSIVE", source: ns?.source ?? "mesh" };
}
