import { isObject } from "../manifests.js";
import { describe, field, str } from "../object-index.js";
import type { KubeObject, ObjectIndex } from "../object-index.js";
import type { MeshModel } from "../mesh-model.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { matchesLabels, podLabelsOf, selectorOf, servicePorts } from "../workloads.js";
import { SERVICE_CA, covers, podCertificates } from "../authority.js";
import { pemFingerprints } from "../pem.js";
import { missing } from "../rule.js";
import type { Authority } from "../authority.js";
import { annotations } from "../object-index.js";
import { say } from "../../diagnostics/messages.js";

const WORKLOAD_KINDS = ["apps/Deployment", "apps/StatefulSet", "apps/DaemonSet"];
/** The projected volume the compiler mounts callers' trust from (targets/workloads.ts), one file `<callee>.<ns>.pem` per call. */
const TRUST_VOLUME = "mesh-security-trust";
const AUTHZ = "security.istio.io/AuthorizationPolicy";

/**
 * Declared calls (the trust files of a caller's workload patch) against the callee's AuthorizationPolicies.
 *
 * istio/api security/v1beta1/authorization.proto: with no ALLOW policy for a workload every request is
 * allowed; with one, a request is allowed only if some rule of some ALLOW policy matches, else denied (HTTP
 * 403 "RBAC: access denied", or a reset for TCP). A policy applies to the pods its `selector` matches in its
 * own namespace, to every pod of its namespace without a selector, and mesh-wide without a selector in the
 * root namespace. A `source.principals` entry matches the peer identity `<trust domain>/ns/<ns>/sa/<account>`
 * exactly, or by a leading or trailing `*`; `notPrincipals` excludes; `namespaces` matches the peer's
 * namespace. The identity is the pod's service account, so only the caller's own manifests (`--with`) say
 * what it is; the trust domain is the control plane's (`meshConfig.trustDomain`, SMCP v2
 * `spec.security.trust.domain`), `cluster.local` when unset.
 */
export const callAuthorizationRule: VerifyRule = {
  id: "call-authorization",
  hop: "authorization",
  needs: ["workloads", "services", "secrets"],
  reads: ["apps/Deployment|StatefulSet|DaemonSet (the callers' patches and, with --with, their pods' service account)", "v1/Service", AUTHZ],
  codes: ["MS5045", "MS5046", "MS5076"],
  models: "istio/api security/v1beta1/authorization.proto (ALLOW evaluation, principals, selector scope); service-ca-operator inject-cabundle ConfigMaps; trust-manager Bundle sources",
  run({ index, mesh }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    const trustDomain = trustDomainOf(mesh);
    const domains = [trustDomain, ...trustDomainAliasesOf(mesh)];
    for (const caller of WORKLOAD_KINDS.flatMap((gk) => index.list(gk))) {
      for (const callee of calleesOfWorkload(caller)) {
        checkTrust(index, caller, callee, paths, findings, this.id);
        const base = { rule: this.id, from: describe(caller), to: `Service ${callee.namespace}/${callee.name}`, port: "-", client: "its service account's mesh identity" };
        const service = index.get("/Service", callee.namespace, callee.name);
        if (!service || !selectorOf(service)) {
          paths.push({ ...base, server: "?", result: "not checked", reason: missing(`Service ${callee.namespace}/${callee.name} (or its selector) is not in what was read`, "services") });
          continue;
        }
        const { labels: podLabels } = podLabelsOf(index, service);
        const policies = allowPolicies(index, mesh, callee.namespace, podLabels);
        const denies = allowPolicies(index, mesh, callee.namespace, podLabels, "DENY");
        if (!caller.partial && denies.length > 0) {
          const account = str(caller.body, "spec", "template", "spec", "serviceAccountName") ?? str(caller.body, "spec", "template", "spec", "serviceAccount") ?? "default";
          const principal = `${trustDomain}/ns/${caller.namespace ?? "default"}/sa/${account}`;
          const podPorts = (servicePorts(index, service) ?? []).flatMap((p) => (p.podPort !== undefined ? [String(p.podPort)] : []));
          const deny = denies.find((p) => allows(p, principal, caller.namespace ?? "default", podPorts, domains));
          if (deny) {
            const said = say.MS5076(describe(deny), describe(caller), principal);
            paths.push({ ...base, client: `principal ${principal}`, server: `DENY ${describe(deny)}`, result: "broken", reason: said.message });
            findings.push({ ...said, object: deny, path: ["spec", "rules"] });
            continue;
          }
        }
        if (policies.length === 0) {
          paths.push({ ...base, server: "no ALLOW AuthorizationPolicy: every caller is allowed", result: "ok" });
          continue;
        }
        const server = `ALLOW ${policies.map(describe).join(", ")}`;
        if (caller.partial) {
          paths.push({ ...base, server, result: "not checked", reason: missing(`only the patch of ${describe(caller)} was read: its pods' service account is unknown`, "workloads") });
          continue;
        }
        const account = str(caller.body, "spec", "template", "spec", "serviceAccountName") ?? str(caller.body, "spec", "template", "spec", "serviceAccount") ?? "default";
        const principal = `${trustDomain}/ns/${caller.namespace ?? "default"}/sa/${account}`;
        const podPorts = (servicePorts(index, service) ?? []).flatMap((p) => (p.podPort !== undefined ? [String(p.podPort)] : []));
        const client = `principal ${principal}`;
        if (policies.some((p) => allows(p, principal, caller.namespace ?? "default", podPorts, domains))) {
          paths.push({ ...base, client, server, result: "ok" });
          continue;
        }
        const reason = `${describe(caller)} runs as ${principal}, which no rule of ${policies.map(describe).join(", ")} allows: the callee's sidecar denies every request (RBAC: access denied)`;
        paths.push({ ...base, client, server, result: "broken", reason });
        // Placed at the output object (the callee's policy), naming the caller's manifest (DESIGN: a broken path joining
        // an output object and an application manifest is reported at the output object).
        const target = policies[0] as KubeObject;
        findings.push({
          ...say.MS5045(describe(caller), principal, policies.map(describe), caller.sources.filter((d) => d.role !== "patch").map((d) => d.file)),
          object: target,
          path: ["spec", "rules"],
        });
      }
    }
    return { paths, findings };
  },
};

/**
 * The trust a caller mounts for a callee must cover the callee's serving certificate. The file comes from a
 * ConfigMap: one annotated `service.beta.openshift.io/inject-cabundle` holds the Service CA bundle
 * (service-ca-operator's ConfigMap CA bundle injector); a trust-manager Bundle's target ConfigMap (named
 * after the Bundle) holds its sources, each CA Secret's `ca.crt`; a ConfigMap of PEM is not compared
 * (verify reads no certificates), so such a call is not checked.
 */
function checkTrust(index: ObjectIndex, caller: KubeObject, callee: Callee, paths: VerifyPath[], findings: VerifyFinding[], rule: string): void {
  const base = { rule, from: describe(caller), to: `pods of Service ${callee.namespace}/${callee.name}`, port: "-" };
  const presented = podCertificates(index, callee.namespace, callee.name);
  const trusted = trustOf(index, caller.namespace, callee.configMap, callee.key);
  const client = `trusts ${trusted ? trusted.map((t) => t.label).join(" and ") : `ConfigMap ${callee.configMap} (not read, or PEM)`}`;
  // A PEM trust file is compared by content: the callee's CA must be read as PEM too (its Secret, --secrets-dir).
  const pemOnly = trusted !== undefined && trusted.every((t) => t.id.startsWith("pem:"));
  if (pemOnly && presented.some((p) => !p.pem)) {
    paths.push({ ...base, client, server: presented.length > 0 ? `presents ${presented.map((p) => p.label).join(" or ")}` : "?", result: "not checked", reason: missing("the trust file is PEM and the callee's CA certificate is not at hand", "secrets") });
    return;
  }
  if (presented.length === 0 || !trusted || presented.some((p) => !p.known)) {
    paths.push({ ...base, client, server: presented.length > 0 ? `presents ${presented.map((p) => p.label).join(" or ")}` : "?", result: "not checked", reason: missing("the trust source or the callee's certificate is not known from what was read", !trusted ? "trust" : presented.length === 0 ? "services" : "issuers") });
    return;
  }
  const server = `presents a certificate from ${presented.map((p) => p.label).join(" or ")}`;
  const absent = presented.filter((p) => !trusted.some((t) => covers(t, p)));
  if (absent.length === 0) {
    paths.push({ ...base, client, server, result: "ok" });
    return;
  }
  const said = say.MS5046(describe(caller), `${callee.namespace}/${callee.name}`, trusted.map((t) => t.label), callee.configMap, absent.map((p) => p.label));
  paths.push({ ...base, client, server, result: "broken", reason: said.message });
  findings.push({ ...said, object: caller, path: ["metadata", "name"] });
}

function trustOf(index: ObjectIndex, namespace: string | undefined, name: string, key: string): Authority[] | undefined {
  const configMap = index.get("/ConfigMap", namespace, name);
  if (configMap && annotations(configMap)["service.beta.openshift.io/inject-cabundle"] === "true") return [SERVICE_CA];
  if (configMap) {
    // A ConfigMap of PEM (a generated authority's roots, written by the compiler): compared by certificate content.
    const pem = pemFingerprints(str(configMap.body, "data", key));
    return pem.length > 0 ? [{ id: `pem:${namespace ?? "default"}/${name}`, label: `the ${pem.length} certificate(s) in ConfigMap ${name} (${key})`, known: true, pem }] : undefined;
  }
  const bundle = index.get("trust.cert-manager.io/Bundle", undefined, name);
  const sources = field(bundle?.body, "spec", "sources");
  if (!bundle || !Array.isArray(sources)) return undefined;
  // A ClusterIssuer's CA Secret and a Bundle's Secret sources both live in cert-manager's (trust) namespace.
  return sources.flatMap((s) => {
    const secret = str(s, "secret", "name");
    return secret ? [{ id: `ca:(cert-manager namespace)/${secret}`, label: `the CA in Secret ${secret} (Bundle ${name})`, known: true }] : [];
  });
}

export interface Callee {
  name: string;
  namespace: string;
  /** The ConfigMap the trust file is projected from, and its key. */
  configMap: string;
  key: string;
}

/** The callees whose trust a workload mounts: `<callee>.<namespace>.pem` items of the compiler's trust volume. */
export function calleesOfWorkload(workload: KubeObject): Callee[] {
  const volumes = field(workload.body, "spec", "template", "spec", "volumes");
  const trust = Array.isArray(volumes) ? volumes.find((v) => field(v, "name") === TRUST_VOLUME) : undefined;
  const sources = field(trust, "projected", "sources");
  const out: Callee[] = [];
  for (const source of Array.isArray(sources) ? sources : []) {
    const configMap = str(source, "configMap", "name") ?? "";
    const items = field(source, "configMap", "items");
    for (const item of Array.isArray(items) ? items : []) {
      const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.pem$/.exec(String(field(item, "path") ?? ""));
      if (m?.[1] && m[2]) out.push({ name: m[1], namespace: m[2], configMap, key: String(field(item, "key") ?? "") });
    }
  }
  return out;
}

/** The mesh's trust domain aliases: meshConfig.trustDomainAliases (Sail), SMCP v2 spec.security.trust.additionalDomains. */
function trustDomainAliasesOf(mesh: MeshModel): string[] {
  const cp = mesh.controlPlane?.body;
  const list = field(cp, "spec", "values", "meshConfig", "trustDomainAliases") ?? field(cp, "spec", "security", "trust", "additionalDomains");
  return Array.isArray(list) ? list.map(String) : [];
}

function trustDomainOf(mesh: MeshModel): string {
  const cp = mesh.controlPlane?.body;
  return str(cp, "spec", "values", "meshConfig", "trustDomain") ?? str(cp, "spec", "security", "trust", "domain") ?? "cluster.local";
}

/** ALLOW policies that apply to pods with these labels in `namespace` (their own, namespace-wide, or mesh-wide). */
function allowPolicies(index: ObjectIndex, mesh: MeshModel, namespace: string, podLabels: Record<string, string>, action = "ALLOW"): KubeObject[] {
  return index.list(AUTHZ).filter((p) => {
    if ((str(p.body, "spec", "action") ?? "ALLOW") !== action) return false;
    const selector = field(p.body, "spec", "selector", "matchLabels");
    if (p.namespace === namespace) return !isObject(selector) || matchesLabels(Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)])), podLabels);
    return p.namespace !== undefined && p.namespace === mesh.rootNamespace && !isObject(selector);
  });
}

/** Istio's string match: exact, `*`, or a leading or trailing `*`. */
function matches(patterns: unknown, value: string): boolean {
  return Array.isArray(patterns) && patterns.some((p) => {
    const s = String(p);
    return s === "*" || s === value || (s.startsWith("*") && value.endsWith(s.slice(1))) || (s.endsWith("*") && value.startsWith(s.slice(0, -1)));
  });
}

/**
 * A policy principal as Istio enforces it: istio/istio pilot/pkg/security/trustdomain/bundle.go
 * Bundle.ReplaceTrustDomainAliases — a principal whose trust domain is `cluster.local` or one of the mesh's trust
 * domains (the trust domain and its aliases, NewBundle) is REPLACED by one principal per trust domain of the bundle
 * (replaceTrustDomains: the principal as is where its domain matches, else the domain swapped); so a `cluster.local`
 * principal no longer matches `cluster.local` identities unless `cluster.local` is the trust domain or an alias.
 * `*` as trust domain (isTrustDomainBeingEnforced), a principal not in SPIFFE form, or another domain is kept as is.
 * `domains` is [trust domain, ...aliases]; empty means not known, and the principal is kept.
 */
export function expandPrincipals(patterns: unknown, domains: readonly string[]): unknown {
  if (!Array.isArray(patterns)) return patterns;
  return patterns.flatMap((p) => {
    const parts = String(p).split("/");
    if (parts.length !== 5 || parts[0] === "*") return [p];
    const td = parts[0] ?? "";
    if (td !== "cluster.local" && !domains.includes(td)) return [p];
    if (domains.length === 0) return [p];
    return [...new Set(domains.map((d) => (d === td ? String(p) : [d, ...parts.slice(1)].join("/"))))];
  });
}

function allows(policy: KubeObject, principal: string, namespace: string, podPorts: readonly string[], domains: readonly string[] = []): boolean {
  const rules = field(policy.body, "spec", "rules");
  return Array.isArray(rules) && rules.some((rule) => {
    const from = field(rule, "from");
    const sourceOk = !Array.isArray(from) || from.some((f) => {
      const source = field(f, "source");
      if (field(source, "principals") !== undefined && !matches(expandPrincipals(field(source, "principals"), domains), principal)) return false;
      if (field(source, "namespaces") !== undefined && !matches(field(source, "namespaces"), namespace)) return false;
      if (matches(expandPrincipals(field(source, "notPrincipals"), domains), principal) || matches(field(source, "notNamespaces"), namespace)) return false;
      return true;
    });
    const to = field(rule, "to");
    const portOk = !Array.isArray(to) || podPorts.length === 0 || to.some((t) => {
      const ports = field(t, "operation", "ports");
      return !Array.isArray(ports) || ports.some((p) => podPorts.includes(String(p)));
    });
    return sourceOk && portOk;
  });
}
