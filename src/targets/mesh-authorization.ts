import { buildCallGraph } from "../model/call-graph.js";
import type { Callee } from "../model/call-graph.js";
import type { Model } from "../model/model.js";
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
 * port. `*` becomes the regex `.+` on the authenticated principal (pilot/pkg/security/authz/matcher/string.go,
 * StringMatcherWithPrefix), and `not*` values are wrapped in a NOT (authz/model/model.go, rule.principal):
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
      text: `AuthorizationPolicy ${service.name} allows ${callee.principals.length > 0 ? callee.principals.join(", ") : "no principal"}${callee.unauthenticated ? ` and connections without a mesh identity (${callee.unauthenticated.why}) on ${callee.unauthenticated.port === "all" ? "every port" : `port ${callee.unauthenticated.port}`}` : ""}; all other traffic to its pods, on any port, is denied`,
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
    plan.findings.push({
      code: "MS2612",
      message: `\`${service.name}\` is reached by ${open.why} on a PERMISSIVE port, but its targetPort \`${String(service.targetPort)}\` is a name: clients without a mesh identity are allowed on every port of its pods`,
      path: [...service.path, "targetPort"],
      hint: "write targetPort as a number",
    });
  }
  if (model.platform.mesh.flavor === "maistra-v1") {
    plan.findings.push({
      code: "MS2611",
      message: `Maistra 1.x has no \`notPrincipals\`: to let ${open.why} reach \`${service.name}\`, ${port ? `port ${port}` : "every port"} is opened to every client, undeclared mesh workloads included`,
      path: [...service.path, "callers"],
      at: "key",
      hint: "move to Maistra 2.x or Sail to keep undeclared mesh clients out",
    });
    rules.push(port ? { to: [{ operation: { ports: [port] } }] } : {});
    return rules;
  }
  rules.push({ from: [{ source: { notPrincipals: ["*"] } }], ...to });
  return rules;
}
