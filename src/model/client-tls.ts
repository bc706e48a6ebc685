import type { Model, Service } from "./model.js";
import { namespaceMtls, serviceMtls } from "./mtls.js";
import type { MtlsMode } from "./policy-input.js";

/** What a client sidecar sends to a host, and whether a DestinationRule says so (`explicit`) or Istio infers it. */
export interface ClientSends {
  tls: "mtls" | "plain";
  explicit: boolean;
  /** Where it comes from, for `explain`. */
  by: string;
}

/** The DestinationRule tls modes the compiler writes. */
export type DrMode = "ISTIO_MUTUAL" | "DISABLE";


/**
 * What a mesh client ends up sending to one service: the operator's default or auto mTLS, then the namespace
 * and per-service DestinationRules `planClientTls` writes (the same decisions, so the call graph and the
 * emitted rules cannot disagree).
 */
export function clientSendsTo(model: Model, service: Service): { tls: "mtls" | "plain"; by: string } {
  const flavor = model.platform.mesh.flavor;
  const meshMode = model.mtls?.mode ?? "PERMISSIVE";
  const nsMode = namespaceMtls(model).find((n) => n.namespace === service.namespace)?.mode ?? meshMode;
  let sends = defaultSends(flavor, meshMode, nsMode);
  const nsWant = service.namespace === model.platform.mesh.namespace ? undefined : needed(nsMode, sends);
  if (nsWant) sends = { tls: nsWant === "ISTIO_MUTUAL" ? "mtls" : "plain", explicit: true, by: `DestinationRule ${service.namespace}/mtls` };
  if (service.mtls && service.namespace !== model.platform.mesh.namespace && (flavor === "maistra-v1" || service.selector)) {
    const want = needed(serviceMtls(model, service).mode, sends);
    if (want) sends = { tls: want === "ISTIO_MUTUAL" ? "mtls" : "plain", explicit: true, by: `DestinationRule ${service.namespace}/mtls-${service.name}` };
  }
  return { tls: sends.tls, by: sends.by };
}

/** What clients send to hosts of a namespace before any rule of ours. */
export function defaultSends(flavor: Model["platform"]["mesh"]["flavor"], meshMode: MtlsMode, namespaceMode: MtlsMode): ClientSends {
  const operatorDefault = { tls: "mtls", explicit: true, by: "the operator's DestinationRule default" } as const;
  if (flavor === "maistra-v1") return meshMode === "STRICT" ? operatorDefault : { tls: "plain", explicit: false, by: "no DestinationRule, auto mTLS off" };
  if (flavor === "maistra-v2" && meshMode === "STRICT") return operatorDefault;
  // Auto mTLS: plain text to a DISABLE namespace, mTLS to sidecars otherwise.
  return { tls: namespaceMode === "DISABLE" ? "plain" : "mtls", explicit: false, by: "auto mTLS, from the namespace's mode" };
}

/** The DestinationRule mode a server mode needs, given what clients already send; undefined when they match. */
export function needed(server: MtlsMode, sends: ClientSends): DrMode | undefined {
  if (server === "DISABLE" && sends.tls === "mtls") return "DISABLE";
  if (server === "STRICT" && sends.tls === "plain") return "ISTIO_MUTUAL";
  return undefined;
}

