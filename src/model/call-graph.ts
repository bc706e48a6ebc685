import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import { isManaged } from "./model.js";
import type { Model, PolicyPath, Service, ServingCertificate } from "./model.js";
import type { MtlsMode } from "./policy-input.js";
import { clientSendsTo } from "./client-tls.js";
import { serviceMtls } from "./mtls.js";
import { findAuthority, trustedAuthorityNames } from "./names.js";
import { TRUST_MOUNT_PATH, trustFileName } from "./workloads.js";

/**
 * What a client must trust to verify a server's certificate, and where that trust comes from.
 * `configMap`: the ConfigMap (in the caller's namespace) holding it under `key`.
 */
export type TrustSource =
  | { type: "authority"; authority: string; roots: readonly string[]; configMap: string; key: "ca.crt" }
  | { type: "trust-manager"; authority: string; roots: readonly string[]; configMap: string; key: "ca.crt" }
  | { type: "service-ca"; configMap: string; key: "service-ca.crt" }
  | { type: "system"; issuer: string }
  | { type: "untrusted"; issuer: string }
  | { type: "plaintext" };

/** The Service CA bundle ConfigMap each caller namespace gets (dedicated: the injector wipes other keys). */
export const SERVICE_CA_TRUST_CONFIGMAP = "service-ca-trust";

/** Name of the ConfigMap (and trust-manager Bundle) that carries the roots of `authority`. */
export function trustConfigMapName(authority: string): string {
  return `trust-${authority}`;
}

/** One declared call: `caller` opens TLS to `callee`. */
export interface CallEdge {
  caller: Service;
  callee: Service;
  /** The `callers` entry that declares it. */
  path: PolicyPath;
  /** What the client trusts. */
  trust: TrustSource;
  /** Where the trust is mounted in the caller's container (absent: nothing to mount, or no container). */
  trustFile?: string;
  /** What the server presents: its serving certificate's Secret, and where it is mounted (nothing: plain text). */
  presents: { issuer: string; secretName: string; mountPath?: string; container?: string } | undefined;
  /** Mesh mTLS on the callee's port; absent without a mesh. */
  mtls?: { mode: MtlsMode; source: "mesh" | "namespace" | "service" };
  /** Whether the mesh authorizes the call: the principal an AuthorizationPolicy allows, or why not. */
  authorization: { enforced: false } | { enforced: true; principal?: string; policy: string };
  /** Reasons this call cannot succeed as declared (each a finding). */
  problems: Finding[];
}

/** A service with callers, as the mesh authorizes it. */
export interface Callee {
  service: Service;
  /** SPIFFE principals (without `spiffe://`) of the callers that have a service account. */
  principals: readonly string[];
  /**
   * Clients without a mesh identity (the OpenShift router, callers outside the mesh) must reach this
   * port: a PERMISSIVE port with a Route or `calledFromOutsideMesh`. `all`: the port is a name.
   */
  unauthenticated?: { port: number | "all"; why: string };
}

/** The call graph of a policy: every declared call, and every callee as the mesh would authorize it. */
export interface CallGraph {
  edges: readonly CallEdge[];
  callees: readonly Callee[];
  /** Problems of a callee as a whole (not of one call). */
  findings: readonly Finding[];
}

/**
 * Build the call graph from the model alone (pure: no material, no output), so that `compile`, `explain`
 * and `verify` share one reading of `callers`.
 */
export function buildCallGraph(model: Model): CallGraph {
  const byKey = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const mesh = model.platform.mesh.flavor !== "none";
  const edges: CallEdge[] = [];
  const callees: Callee[] = [];
  const findings: Finding[] = [];
  for (const callee of model.services) {
    if (callee.callers.length === 0) continue;
    const trust = trustOf(model, callee);
    const calleeEdges: CallEdge[] = [];
    if (trust.type === "untrusted") {
      findings.push({ ...say.MS2608(callee.name, callee.callers.map((c) => c.name), trust.issuer), path: [...callee.path, "callers"], at: "key" });
    }
    const mtls = mesh ? serviceMtls(model, callee) : undefined;
    const identity = mesh ? peerIdentity(model, callee) : undefined;
    if (identity && !identity.carried) {
      findings.push({ ...say.MS2609(callee.name, identity.why), path: [...callee.path, "callers"], at: "key" });
    }
    if (mesh && !callee.selector) {
      findings.push({ ...say.MS2610(callee.name), path: [...callee.path, "callers"], at: "key" });
    }
    const principals: string[] = [];
    for (const ref of callee.callers) {
      const caller = byKey.get(`${ref.namespace}/${ref.name}`);
      if (!caller) continue;
      const problems: Finding[] = [];
      const needsMount = trust.type === "authority" || trust.type === "trust-manager" || trust.type === "service-ca";
      if (!caller.workload) {
        if (needsMount || mesh) {
          problems.push({ ...say.MS2605(caller.name, callee.name, needsMount, mesh), path: [...ref.path] });
        }
      } else {
        if (needsMount && !caller.workload.container) {
          problems.push({ ...say.MS2602({ caller: caller.name, callee: callee.name }), path: [...caller.workload.path], at: "key" });
        }
        if (mesh && !caller.workload.serviceAccount) {
          problems.push({ ...say.MS2604(caller.name, callee.name), path: [...ref.path] });
        }
      }
      const principal = mesh && caller.workload?.serviceAccount ? `${model.platform.mesh.trustDomain}/ns/${caller.namespace}/sa/${caller.workload.serviceAccount}` : undefined;
      if (principal) principals.push(principal);
      calleeEdges.push({
        caller,
        callee,
        path: [...ref.path],
        trust,
        ...(needsMount && caller.workload?.container ? { trustFile: `${TRUST_MOUNT_PATH}/${trustFileName(callee)}` } : {}),
        presents: presentedBy(callee),
        ...(mtls ? { mtls } : {}),
        authorization: mesh ? { enforced: true, policy: callee.name, ...(principal ? { principal } : {}) } : { enforced: false },
        problems,
      });
    }
    edges.push(...calleeEdges);
    if (mesh) callees.push({ service: callee, principals: [...new Set(principals)].sort(), ...unauthenticatedOf(callee, mtls?.mode) });
  }
  return { edges, callees, findings };
}

/** The serving certificate a callee presents, and where its Secret is mounted. */
function presentedBy(callee: Service): CallEdge["presents"] {
  // Typed wide on purpose: a service that serves no TLS (an edge-only one) has no certificate to present.
  const cert: ServingCertificate | undefined = callee.certificate;
  if (!cert) return undefined;
  const mounted = callee.certificateMount && callee.workload?.container ? { mountPath: callee.certificateMount.mountPath, container: callee.workload.container } : {};
  return { issuer: cert.issuer, secretName: cert.secretName, ...mounted };
}

/** What a client of `callee` must trust, from the issuer of its serving certificate. */
export function trustOf(model: Model, callee: Service): TrustSource {
  const cert: ServingCertificate | undefined = callee.certificate;
  if (!cert) return { type: "plaintext" };
  if (!isManaged(cert)) return { type: "service-ca", configMap: SERVICE_CA_TRUST_CONFIGMAP, key: "service-ca.crt" };
  const issuer = model.issuers.find((i) => i.name === cert.issuer);
  if (!issuer || issuer.spec.type === "selfSigned") return { type: "untrusted", issuer: cert.issuer };
  if (issuer.spec.type === "acme") return { type: "system", issuer: issuer.name };
  const name = issuer.spec.authority;
  const roots = trustedAuthorityNames(model, name);
  // A generated authority's root certificates are known to the compiler; any other CA lives in a cluster
  // Secret, which trust-manager copies into the callers' namespaces.
  const generated = findAuthority(model, name)?.source.type === "generate";
  return { type: generated ? "authority" : "trust-manager", authority: name, roots, configMap: trustConfigMapName(name), key: "ca.crt" };
}

/**
 * Whether calls to `callee` carry the caller's mesh identity. The principal comes from the client's
 * mTLS certificate; a plain-text connection carries none (Envoy's RBAC `authenticated` matcher is false
 * without TLS: envoyproxy/envoy source/extensions/filters/common/rbac/matchers.cc, AuthenticatedMatcher).
 * Maistra 2.x and Istio/Sail clients originate mTLS automatically unless the server disables it; Maistra 1.x
 * clients only through the mesh-wide ISTIO_MUTUAL DestinationRule, emitted unless the mesh mode is DISABLE.
 */
function peerIdentity(model: Model, callee: Service): { carried: boolean; why: string } {
  const mode = serviceMtls(model, callee);
  if (mode.mode === "DISABLE") return { carried: false, why: `mTLS DISABLE from ${mode.source === "service" ? "the service" : mode.source === "namespace" ? "its namespace" : "mtls.mode"}` };
  // What clients send is decided where the DestinationRules are planned (targets/mesh-client.ts): on Maistra
  // 1.x without a mesh-wide STRICT there is no ISTIO_MUTUAL DestinationRule and no auto mTLS, so a PERMISSIVE
  // callee is called in plain text.
  const sends = clientSendsTo(model, callee);
  if (sends.tls === "plain") return { carried: false, why: `clients send plain text: ${sends.by}` };
  return { carried: true, why: "" };
}

/**
 * On a PERMISSIVE port, a connection that is not Istio mTLS goes to the plain-text filter chain (the
 * server matches its mTLS chain on the "istio" ALPN: istio/istio pilot/pkg/security/authn/utils/utils.go,
 * BuildInboundTLS), so the router's TLS (reencrypt, passthrough) or plain HTTP (edge) arrives without a
 * principal. An ALLOW policy denies whatever no rule matches, so such clients need a rule of their own.
 */
function unauthenticatedOf(callee: Service, mode: MtlsMode | undefined): { unauthenticated?: NonNullable<Callee["unauthenticated"]> } {
  if (mode !== "PERMISSIVE") return {};
  const reasons = [...(callee.route ? ["the OpenShift router (Route " + callee.route.name + ")"] : []), ...(callee.calledFromOutsideMesh ? ["callers outside the mesh"] : [])];
  if (reasons.length === 0) return {};
  return { unauthenticated: { port: typeof callee.targetPort === "number" ? callee.targetPort : "all", why: reasons.join(" and ") } };
}
