import { buildCallGraph } from "../model/call-graph.js";
import { say } from "../diagnostics/messages.js";
import type { Callee } from "../model/call-graph.js";
import type { Model, Service } from "../model/model.js";
import { EXPOSE_ROUTE_LABEL, isMaistraManaged } from "./maistra-network.js";
import type { PlanContext, TargetPlan } from "./target.js";

/** Authorization lands with the strictest mesh policies, after the workloads it protects. */
const AUTHORIZATION_WAVE = 20;

/**
 * The API version of AuthorizationPolicy the flavor serves. Sail (Istio 1.22+) serves security.istio.io/v1;
 * Maistra 2.x ships Istio 1.6 to 1.20, which serve v1beta1; Maistra 1.1 (the only 1.x the SMCP v1 operator
 * still installs) installs the v1beta1 CRD of Istio 1.4 (maistra/istio-operator
 * resources/helm/v1.1/istio-init/files/authorizationpolicies.security.istio.io.crd.yaml), without `action`
 * and without the `not*` fields, so the policy for it leaves both out.
 */
export function authorizationPolicyVersion(model: Model): string {
  return model.platform.mesh.flavor === "sail" ? "security.istio.io/v1" : "security.istio.io/v1beta1";
}

/**
 * One ALLOW AuthorizationPolicy per service with callers, selecting its pods: the callers' principals
 * (`<trust domain>/ns/<namespace>/sa/<account>`, matched against the URI SAN of the client's mTLS
 * certificate: istio/istio pilot/pkg/security/authz/model/generator.go, srcPrincipalGenerator) may reach
 * the service's port. An ALLOW policy denies every request that no rule matches, so the pods' other ports
 * are closed to everyone, and clients without a mesh identity need a rule of their own:
 *
 * Rule for the router (and callers outside the mesh) on a PERMISSIVE port: `notPrincipals: ["*"]` on that
 * port. `*` becomes the regex `.+` on the authenticated principal (generator.go srcPrincipalGenerator.principal →
 * pilot/pkg/security/authz/matcher/string.go StringMatcherWithPrefix), and `not*` values are wrapped in a NOT
 * (authz/model/model.go New, insertFront(srcPrincipalGenerator{}, …, s.Principals, s.NotPrincipals)); that a
 * plain-text connection fails Envoy's Authenticated matcher is from the Envoy RBAC documentation (not re-read):
 * the rule matches exactly the connections that carry no mesh identity. A mesh workload that is not a
 * declared caller presents its identity, matches neither rule, and is denied. A STRICT port admits no
 * such clients (the mesh rejects them before authorization), so it gets no such rule.
 */
export function planAuthorization(context: PlanContext, plan: TargetPlan): void {
  const { model } = context;
  for (const callee of buildCallGraph(model).callees) {
    const service = callee.service;
    if (!service.selector) continue; // MS2610, reported with the call graph
    const rules = rulesOf(model, callee, plan);
    const apiVersion = authorizationPolicyVersion(model);
    const maistra1 = model.platform.mesh.flavor === "maistra-v1";
    plan.objects.push({
      target: "mesh",
      template: "mesh/authorization-policy",
      values: { apiVersion, name: service.name, namespace: service.namespace, spec: { selector: { matchLabels: service.selector }, ...(maistra1 ? {} : { action: "ALLOW" }), rules } },
      apiVersion,
      kind: "AuthorizationPolicy",
      name: service.name,
      namespace: service.namespace,
      role: "resource",
      wave: AUTHORIZATION_WAVE,
      reason: `only the declared callers (${service.callers.map((c) => `${c.namespace}/${c.name}`).join(", ")}) may call ${service.name}${callee.unauthenticated ? `, plus clients without a mesh identity (${callee.unauthenticated.why}) on ${callee.unauthenticated.port === "all" ? "every port" : `port ${callee.unauthenticated.port}`}` : ""}; every other request to its pods is denied`,
      source: [...service.path, "callers"],
    });
    plan.notes.push({
      subject: `service ${service.namespace}/${service.name}`,
      text: `AuthorizationPolicy ${service.name} allows ${callee.principals.length > 0 ? callee.principals.join(", ") : "no principal"}${callee.unauthenticated ? ` and connections without a mesh identity (${callee.unauthenticated.why}) on ${callee.unauthenticated.port === "all" ? "every port" : `port ${callee.unauthenticated.port}`}` : ""}; all other traffic to its pods, on any port, is denied${callee.unauthenticated ? `. ${whatTheOpenRuleAdmits(model, service, callee.unauthenticated.port)}` : ""}`,
    });
  }
}

function rulesOf(model: Model, callee: Callee, plan: TargetPlan): Array<Record<string, unknown>> {
  const service = callee.service;
  const port = typeof service.targetPort === "number" ? String(service.targetPort) : undefined;
  // Ports in an AuthorizationPolicy are the pod's ports (the inbound connection's local port), as strings.
  const to = port ? { to: [{ operation: { ports: [port] } }] } : {};
  const rules: Array<Record<string, unknown>> = [];
  if (callee.principals.length > 0) rules.push({ from: [{ source: { principals: [...callee.principals] } }], ...to });
  const open = callee.unauthenticated;
  if (!open) return rules;
  if (open.port === "all") {
    plan.findings.push({ ...say.MS2612(service.name, open.why, String(service.targetPort)), path: [...service.path, "targetPort"] });
  }
  if (model.platform.mesh.flavor === "maistra-v1") {
    plan.findings.push({ ...say.MS2611(open.why, service.name, port), path: [...service.path, "callers"], at: "key" });
    rules.push(port ? { to: [{ operation: { ports: [port] } }] } : {});
    return rules;
  }
  rules.push({ from: [{ source: { notPrincipals: ["*"] } }], ...to });
  return rules;
}

/**
 * What the rule for clients without a mesh identity admits besides the router: it cannot tell them apart.
 * `notPrincipals: ["*"]` matches every connection that carries no peer identity: the router, a pod without
 * a sidecar, a client whose own DestinationRule turns mTLS off. Who can reach the port at all is the
 * network's decision. On Maistra the operator's NetworkPolicies already isolate the pods (see
 * maistra-network.ts): member namespaces, and the router's to labelled pods; a NetworkPolicy of ours could
 * only add to that. On Sail nothing isolates the pods, and a NetworkPolicy that selected them would cut every
 * other port and client the policy does not know of, so none is emitted: the rule admits whoever reaches it.
 */
export function whatTheOpenRuleAdmits(model: Model, service: Service, port: number | "all"): string {
  const where = port === "all" ? "every port" : `port ${port}`;
  if (model.platform.mesh.flavor === "maistra-v1") return `Maistra 1.x has no notPrincipals: ${where} is open to every client that reaches it, undeclared mesh workloads included (MS2611)`;
  const head = `The rule for clients without a mesh identity cannot tell the router from any other such client: on ${where} it also admits pods without a sidecar and clients whose DestinationRule turns mTLS off`;
  if (isMaistraManaged(model, service.namespace)) {
    const outside = service.calledFromOutsideMesh && service.selector ? `, and every client through NetworkPolicy ${service.name}-outside-mesh (calledFromOutsideMesh)` : "";
    return `${head}; Maistra's NetworkPolicies let them in only from the mesh's member namespaces${service.route ? ` and the router's (the pods carry ${EXPOSE_ROUTE_LABEL})` : ""}${outside}. An undeclared workload that calls through its sidecar presents its identity and is denied`;
  }
  return `${head}, from any namespace the network lets reach it (no NetworkPolicy is emitted: one that selected the pods would cut their other traffic; add your own to narrow it). An undeclared workload that calls through its sidecar presents its identity and is denied`;
}
