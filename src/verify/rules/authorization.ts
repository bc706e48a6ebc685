import { isObject } from "../manifests.js";
import { describe, field, str } from "../object-index.js";
import type { KubeObject, ObjectIndex } from "../object-index.js";
import { podTemplates } from "../pods.js";
import type { PodTemplate } from "../pods.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { selectorMatches } from "../selectors.js";
import { say } from "../../diagnostics/messages.js";

const AUTHZ = "security.istio.io/AuthorizationPolicy";
const NP = "networking.k8s.io/NetworkPolicy";

/**
 * Authorization selectors and the router rule (istio/api security/v1beta1/authorization.proto; istio
 * pilot/pkg/security/authz/builder and model): a policy applies to the pods of its namespace its `selector` matches.
 * A selector that matches none of the namespace's pods (read with `--with`) protects nothing: the pods it was meant for
 * stay open to every caller (MS5075). A rule `from.source.notPrincipals: ["*"]` matches every connection WITHOUT a peer
 * identity (istio/istio pilot/pkg/security/authz/model/model.go New: `insertFront(srcPrincipalGenerator{},
 * attrSrcPrincipal, s.Principals, s.NotPrincipals)`, the not-values wrapped in a NOT principal; generator.go
 * srcPrincipalGenerator.principal: principalAuthenticated(StringMatcherWithPrefix(value, "spiffe://")), `*` = any
 * non-empty principal. That Envoy's Authenticated matcher fails on a connection without a peer certificate is
 * Envoy's rbac matchers.cc, not re-read: from the Envoy RBAC documentation): on a PERMISSIVE port that is the router and
 * every other plain-text client — pods without a sidecar, anything outside the mesh — unless a NetworkPolicy limits
 * the port. The path says what it admits; it is not broken by itself.
 */
export const authorizationRule: VerifyRule = {
  id: "authorization",
  hop: "authorization",
  needs: ["workloads"],
  reads: [AUTHZ, "apps/Deployment|StatefulSet|DaemonSet", NP],
  codes: ["MS5075"],
  models: "istio/api authorization.proto selector scope; istio pilot/pkg/security/authz/model notPrincipals",
  run({ index, mesh }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    const pods = podTemplates(index);
    for (const ap of index.list(AUTHZ)) {
      const ns = ap.namespace ?? "default";
      const selector = field(ap.body, "spec", "selector");
      const action = str(ap.body, "spec", "action") ?? "ALLOW";
      const whole = pods.filter((p) => p.namespace === ns && p.whole);
      const selected = isObject(selector) ? whole.filter((p) => selectorMatches(selector, p.labels)) : whole;
      const scope = isObject(selector) ? `pods matching ${JSON.stringify(field(selector, "matchLabels") ?? {})}` : ns === mesh.rootNamespace ? "every pod of the mesh" : `every pod of ${ns}`;
      const row = { rule: this.id, from: `${action} ${describe(ap)}`, to: scope, port: "-", client: "selector" };
      if (isObject(selector)) {
        if (whole.length === 0) paths.push({ ...row, server: "?", result: "not checked", reason: missing(`the pods of ${ns} were not read`, "workloads") });
        else if (selected.length > 0) paths.push({ ...row, server: `selects ${selected.map((p) => describe(p.workload)).join(", ")}`, result: "ok" });
        else if (!meantFor(index, ap, whole)) paths.push({ ...row, server: "selects no pod read", result: "not checked", reason: missing(`the pods ${describe(ap)} selects were not read`, "workloads") });
        else {
          const said = say.MS5075(describe(ap), ns, whole.map((p) => `${describe(p.workload)} ${JSON.stringify(p.labels)}`));
          paths.push({ ...row, server: "selects no pod", result: "broken", reason: said.message });
          findings.push({ ...said, object: ap, path: ["spec", "selector", "matchLabels"] });
        }
      }
      // The router rule: what else it admits.
      const rules = Array.isArray(field(ap.body, "spec", "rules")) ? (field(ap.body, "spec", "rules") as unknown[]) : [];
      for (const r of rules) {
        const from = Array.isArray(field(r, "from")) ? (field(r, "from") as unknown[]) : [];
        if (!from.some((f) => Array.isArray(field(f, "source", "notPrincipals")) && (field(f, "source", "notPrincipals") as unknown[]).includes("*"))) continue;
        const ports = (Array.isArray(field(r, "to")) ? (field(r, "to") as unknown[]) : []).flatMap((t) => (Array.isArray(field(t, "operation", "ports")) ? (field(t, "operation", "ports") as unknown[]).map(String) : []));
        const limiting = index.list(NP, ns).filter((np) => !isObject(field(np.body, "spec", "podSelector")) || selected.length === 0 || selected.some((p) => selectorMatches(field(np.body, "spec", "podSelector"), p.labels)));
        const admitsText = limiting.length > 0 ? `connections without a mesh identity that NetworkPolicies ${limiting.map((n) => n.name).join(", ")} let through` : "every connection without a mesh identity: the router, and any pod without a sidecar or outside the mesh that reaches the port (no NetworkPolicy limits it)";
        paths.push({ rule: this.id, from: "clients without a mesh identity", to: scope, port: ports.join(",") || "*", client: "plain text (no peer principal)", server: `${action} ${describe(ap)} notPrincipals: ["*"]`, result: "ok", reason: `the router rule admits ${admitsText}` });
      }
    }
    return { paths, findings };
  },
};

/**
 * Whether the pods a policy was meant for were read: the Service of the policy's name (the compiler names each
 * policy after its service) selects some workload read. Only then is "selects no pod" a broken path and not a
 * partial `--with`.
 */
function meantFor(index: ObjectIndex, ap: KubeObject, whole: readonly PodTemplate[]): boolean {
  const service = index.get("/Service", ap.namespace, ap.name);
  const selector = field(service?.body, "spec", "selector");
  return isObject(selector) && Object.keys(selector).length > 0 && whole.some((p) => selectorMatches({ matchLabels: selector }, p.labels));
}
