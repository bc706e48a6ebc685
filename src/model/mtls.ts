import type { Model, PolicyPath, Service } from "./model.js";
import type { MtlsMode } from "./policy-input.js";

/** The mTLS mode in force for a namespace, and where it comes from. */
export interface NamespaceMtls {
  namespace: string;
  mode: MtlsMode;
  source: "mesh" | "namespace";
  path: PolicyPath;
}

/** Every namespace the policy touches (overrides and services), with its effective mode. Sorted. */
export function namespaceMtls(model: Model): NamespaceMtls[] {
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
  const ns = namespaceMtls(model).find((n) => n.namespace === service.namespace);
  return { mode: ns?.mode ?? model.mtls?.mode ?? "PERMISSIVE", source: ns?.source ?? "mesh" };
}
