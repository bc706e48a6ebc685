import { isObject } from "../manifests.js";
import { annotations, describe, field, str } from "../object-index.js";
import type { KubeObject, ObjectIndex } from "../object-index.js";
import { inDocument, itemsAt, podTemplates } from "../pods.js";
import type { PodTemplate } from "../pods.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { secretWriters, writtenKeys } from "../writers.js";
import { say } from "../../diagnostics/messages.js";

const CERTS_FROM = "cert-utils-operator.redhat-cop.io/certs-from-secret";
const DEST_CA_FROM = "cert-utils-operator.redhat-cop.io/destinationCA-from-secret";
const RELOAD = { Secret: "secret.reloader.stakater.com/reload", ConfigMap: "configmap.reloader.stakater.com/reload" } as const;
const ROUTER_SA = { namespace: "openshift-ingress", name: "router" };

/**
 * Readers of Secrets, each against what the Secret's writer writes (writers.ts):
 * - cert-utils-operator (redhat-cop/cert-utils-operator controllers/route/route_controller.go): `certs-from-secret`
 *   (populateRouteWithCertifcates, edge and reencrypt only) copies tls.crt and tls.key into the Route, and ca.crt into
 *   spec.tls.caCertificate only with the `inject-CA` annotation; `destinationCA-from-secret` (populateRouteDestCA) copies
 *   ca.crt into spec.tls.destinationCACertificate. An empty or absent key is skipped, not an error. A Secret that is not
 *   found fails Reconcile (ManageError, retried) and leaves the Route on the router's default certificate.
 * - `spec.tls.externalCertificate` (openshift/router pkg/router/routeapihelpers/validation.go
 *   ValidateTLSExternalCertificate): the Route is admitted only if `system:serviceaccount:openshift-ingress:router` may
 *   get, watch and list the Secret (three SubjectAccessReviews) and the Secret exists as kubernetes.io/tls.
 * - Reloader (stakater/Reloader pkg/common/common.go ShouldReload, internal/pkg/handler/upgrade.go): a workload annotated
 *   `secret.reloader.stakater.com/reload: a,b` is restarted when one of the named Secrets changes; nothing ties the
 *   names to what the pod mounts, so a name the pod does not mount restarts it for nothing, and the certificate it
 *   really mounts is renewed without a restart.
 * - SealedSecrets (bitnami-labs/sealed-secrets pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go Unseal →
 *   labelFor(SealedSecret metadata) → EncryptionLabel, scope from SecretScope's cluster-wide / namespace-wide
 *   annotations): the controller decrypts with the label of the SealedSecret's own metadata — `<namespace>/<name>`
 *   in the default strict scope, `<namespace>` namespace-wide, empty cluster-wide — while `kubeseal` encrypted with the
 *   label of the Secret it sealed, recorded in spec.template.metadata. A SealedSecret renamed or moved is never unsealed.
 */
export const secretReadersRule: VerifyRule = {
  id: "secret-readers",
  hop: "secrets",
  needs: ["secrets", "workloads"],
  reads: ["route.openshift.io/Route", "rbac.authorization.k8s.io/Role|RoleBinding", "apps/Deployment|StatefulSet|DaemonSet", "bitnami.com/SealedSecret", "Secret writers"],
  codes: ["MS5055", "MS5056", "MS5057", "MS5058", "MS5059"],
  models: "cert-utils-operator route_controller.go; openshift/router routeapihelpers/validation.go ValidateTLSExternalCertificate; stakater/Reloader common.go ShouldReload; sealed-secrets sealedsecret_expansion.go Unseal",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const route of index.list("route.openshift.io/Route")) {
      const ns = route.namespace ?? "default";
      const a = annotations(route);
      const reads: Array<{ secret: string; keys: string[]; how: string; path: (string | number)[] }> = [];
      if (a[CERTS_FROM]) reads.push({ secret: a[CERTS_FROM], keys: ["tls.crt", "tls.key"], how: "cert-utils certs-from-secret", path: ["metadata", "annotations", CERTS_FROM] });
      if (a[DEST_CA_FROM]) reads.push({ secret: a[DEST_CA_FROM], keys: ["ca.crt"], how: "cert-utils destinationCA-from-secret", path: ["metadata", "annotations", DEST_CA_FROM] });
      const external = str(route.body, "spec", "tls", "externalCertificate", "name");
      if (external) reads.push({ secret: external, keys: ["tls.crt", "tls.key"], how: "the router (externalCertificate)", path: ["spec", "tls", "externalCertificate", "name"] });
      for (const r of reads) {
        const writers = secretWriters(index, ns, r.secret);
        const keys = writtenKeys(writers);
        const row = { rule: this.id, from: `${r.how} (${describe(route)})`, to: `Secret ${ns}/${r.secret}`, port: "-", client: `reads ${r.keys.join(", ")}` };
        if (!keys) {
          const reason = `${describe(route)} reads Secret ${ns}/${r.secret} (${r.how}), which nothing in the output writes`;
          paths.push({ ...row, server: "no writer", result: "broken", reason: `${reason}; ${missing("if it is written elsewhere", "secrets")}` });
          findings.push({ ...say.MS5055(describe(route), `${ns}/${r.secret}`, r.how, "secret"), object: route, path: r.path });
          continue;
        }
        const absent = r.keys.filter((k) => !keys.has(k));
        const server = `written by ${writers.map((w) => w.who).join(", ")}`;
        if (absent.length === 0) paths.push({ ...row, server, result: "ok" });
        else {
          const said = say.MS5055(describe(route), `${ns}/${r.secret}`, r.how, { keys: absent, writers: writers.map((w) => w.who) });
          paths.push({ ...row, server, result: "broken", reason: said.message });
          findings.push({ ...said, object: route, path: r.path });
        }
      }
      if (external) checkExternalRbac(index, route, external, paths, findings, this.id);
    }
    for (const pod of podTemplates(index)) checkReloader(pod, paths, findings, this.id);
    for (const cert of index.list("cert-manager.io/Certificate")) checkKeystorePassword(index, cert, paths, findings, this.id);
    for (const sealed of index.list("bitnami.com/SealedSecret")) {
      const tplName = str(sealed.body, "spec", "template", "metadata", "name");
      const tplNs = str(sealed.body, "spec", "template", "metadata", "namespace");
      const sa = { ...annotations(sealed), ...(isObject(field(sealed.body, "spec", "template", "metadata", "annotations")) ? (field(sealed.body, "spec", "template", "metadata", "annotations") as Record<string, string>) : {}) };
      const scope = sa["sealedsecrets.bitnami.com/cluster-wide"] === "true" ? "cluster-wide" : sa["sealedsecrets.bitnami.com/namespace-wide"] === "true" ? "namespace-wide" : "strict";
      const row = { rule: this.id, from: `sealed-secrets controller (${describe(sealed)})`, to: `Secret ${sealed.namespace ?? "default"}/${sealed.name}`, port: "-", client: `decrypts with scope ${scope}`, server: `sealed for ${tplNs ?? "?"}/${tplName ?? "?"}` };
      const wrongNs = scope !== "cluster-wide" && tplNs !== undefined && tplNs !== sealed.namespace;
      const wrongName = scope === "strict" && tplName !== undefined && tplName !== sealed.name;
      if (!wrongNs && !wrongName) {
        paths.push({ ...row, result: tplName === undefined && scope === "strict" ? "not checked" : "ok", ...(tplName === undefined && scope === "strict" ? { reason: "the template does not record the name it was sealed for" } : {}) });
        continue;
      }
      const said = say.MS5058(describe(sealed), scope, `${tplNs ?? "?"}/${tplName ?? "?"}`, `${sealed.namespace ?? "default"}/${sealed.name}`);
      paths.push({ ...row, result: "broken", reason: said.message });
      findings.push({ ...said, object: sealed, path: wrongNs ? ["metadata", "namespace"] : ["metadata", "name"] });
    }
    return { paths, findings };
  },
};

function checkExternalRbac(index: ObjectIndex, route: KubeObject, secret: string, paths: VerifyPath[], findings: VerifyFinding[], rule: string): void {
  const ns = route.namespace ?? "default";
  const granted = new Set<string>();
  // The Role that grants on this Secret (bound to the router or not): where a wrong verb or subject is placed.
  let grantingRole: KubeObject | undefined;
  let bindingOfRole: KubeObject | undefined;
  for (const role of index.list("rbac.authorization.k8s.io/Role", ns)) {
    const rules = Array.isArray(field(role.body, "rules")) ? (field(role.body, "rules") as unknown[]) : [];
    if (rules.some((r) => Array.isArray(field(r, "resourceNames")) && (field(r, "resourceNames") as unknown[]).includes(secret))) {
      grantingRole = role;
      bindingOfRole = index.list("rbac.authorization.k8s.io/RoleBinding", ns).find((b) => str(b.body, "roleRef", "kind") === "Role" && str(b.body, "roleRef", "name") === role.name);
    }
  }
  for (const binding of index.list("rbac.authorization.k8s.io/RoleBinding", ns)) {
    const subjects = Array.isArray(field(binding.body, "subjects")) ? (field(binding.body, "subjects") as unknown[]) : [];
    const bindsRouter = subjects.some((s) => (field(s, "kind") === "ServiceAccount" && field(s, "name") === ROUTER_SA.name && field(s, "namespace") === ROUTER_SA.namespace) || (field(s, "kind") === "User" && field(s, "name") === `system:serviceaccount:${ROUTER_SA.namespace}:${ROUTER_SA.name}`));
    if (!bindsRouter) continue;
    const refKind = str(binding.body, "roleRef", "kind");
    const role = refKind === "ClusterRole" ? index.get("rbac.authorization.k8s.io/ClusterRole", undefined, str(binding.body, "roleRef", "name") ?? "") : index.get("rbac.authorization.k8s.io/Role", ns, str(binding.body, "roleRef", "name") ?? "");
    for (const r of Array.isArray(field(role?.body, "rules")) ? (field(role?.body, "rules") as unknown[]) : []) {
      const list = (k: string): string[] => (Array.isArray(field(r, k)) ? (field(r, k) as unknown[]).map(String) : []);
      if (!list("apiGroups").some((g) => g === "" || g === "*")) continue;
      if (!list("resources").some((x) => x === "secrets" || x === "*")) continue;
      const names = list("resourceNames");
      if (names.length > 0 && !names.includes(secret)) continue;
      for (const v of list("verbs")) granted.add(v);
    }
  }
  const need = ["get", "list", "watch"].filter((v) => !granted.has(v) && !granted.has("*"));
  const row = { rule, from: `router (${describe(route)})`, to: `Secret ${ns}/${secret}`, port: "-", client: "system:serviceaccount:openshift-ingress:router needs get, list, watch", server: granted.size ? `granted ${[...granted].sort().join(", ")}` : "nothing granted" };
  if (need.length === 0) {
    paths.push({ ...row, result: "ok" });
    return;
  }
  const said = say.MS5056(need, `${ns}/${secret}`, describe(route));
  paths.push({ ...row, result: "broken", reason: said.message });
  // A Role naming the Secret that the router is bound to lacks verbs → the Role; one the router is not bound to → its RoleBinding's subjects.
  const at = grantingRole && granted.size > 0 ? { object: grantingRole, path: ["rules"] } : bindingOfRole ? { object: bindingOfRole, path: ["subjects"] } : grantingRole ? { object: grantingRole, path: ["metadata", "name"] } : { object: route, path: ["spec", "tls", "externalCertificate", "name"] };
  findings.push({ ...said, ...at });
}

/**
 * cert-manager encodes keystores with the password read from `keystores.{pkcs12,jks}.passwordSecretRef`
 * (cert-manager/cert-manager pkg/controller/certificates/issuing/internal/secret.go SecretsManager.setKeystores: the
 * Secret is fetched in the Certificate's namespace, and a missing Secret or an empty `data[key]` fails the issuance;
 * the encoding itself is keystore.go). A Secret nobody in what was read writes is not checked: it is usually
 * created out of band.
 */
function checkKeystorePassword(index: ObjectIndex, cert: KubeObject, paths: VerifyPath[], findings: VerifyFinding[], rule: string): void {
  for (const format of ["pkcs12", "jks"] as const) {
    if (field(cert.body, "spec", "keystores", format, "create") !== true) continue;
    const name = str(cert.body, "spec", "keystores", format, "passwordSecretRef", "name");
    const key = str(cert.body, "spec", "keystores", format, "passwordSecretRef", "key") ?? "password";
    if (!name) continue;
    const ns = cert.namespace ?? "default";
    const writers = secretWriters(index, ns, name);
    const keys = writtenKeys(writers);
    const row = { rule, from: `cert-manager keystores (${describe(cert)})`, to: `Secret ${ns}/${name}`, port: "-", client: `reads ${key}` };
    if (!keys) {
      paths.push({ ...row, server: "?", result: "not checked", reason: missing(`the keystore password Secret ${ns}/${name} is not in what was read`, "secrets") });
      continue;
    }
    if (keys.has(key)) {
      paths.push({ ...row, server: `written by ${writers.map((w) => w.who).join(", ")}`, result: "ok" });
      continue;
    }
    const said = say.MS5059(describe(cert), format, key, `${ns}/${name}`, writers.map((w) => w.who), [...keys].sort());
    paths.push({ ...row, server: `written by ${writers.map((w) => w.who).join(", ")}`, result: "broken", reason: said.message });
    findings.push({ ...said, object: cert, path: ["spec", "keystores", format, "passwordSecretRef", "key"] });
  }
}

/** What the pod mounts or reads from its environment: Secret and ConfigMap names. */
export function podReads(pod: PodTemplate): { Secret: Set<string>; ConfigMap: Set<string> } {
  const out = { Secret: new Set<string>(), ConfigMap: new Set<string>() };
  for (const { item: v } of itemsAt(pod.spec, "volumes")) {
    const s = str(v, "secret", "secretName");
    if (s) out.Secret.add(s);
    const c = str(v, "configMap", "name");
    if (c) out.ConfigMap.add(c);
    for (const { item: src } of itemsAt(v, "projected", "sources")) {
      const ps = str(src, "secret", "name");
      if (ps) out.Secret.add(ps);
      const pc = str(src, "configMap", "name");
      if (pc) out.ConfigMap.add(pc);
    }
  }
  for (const { item: c } of [...itemsAt(pod.spec, "containers"), ...itemsAt(pod.spec, "initContainers")]) {
    for (const { item: e } of itemsAt(c, "env")) {
      const s = str(e, "valueFrom", "secretKeyRef", "name");
      if (s) out.Secret.add(s);
      const m = str(e, "valueFrom", "configMapKeyRef", "name");
      if (m) out.ConfigMap.add(m);
    }
    for (const { item: e } of itemsAt(c, "envFrom")) {
      const s = str(e, "secretRef", "name");
      if (s) out.Secret.add(s);
      const m = str(e, "configMapRef", "name");
      if (m) out.ConfigMap.add(m);
    }
  }
  return out;
}

/**
 * stakater/Reloader pkg/common/common.go ShouldReload (called from internal/pkg/handler/upgrade.go upgradeResource): the
 * reload annotation is read from the workload's annotations, else — when the workload carries none of the reload,
 * auto, typed-auto and search annotations — from its pod template's; the value is split on ",", each part
 * TrimSpace'd and compiled as the regular expression "^" + part + "$", matched against the name of the
 * Secret/ConfigMap that changed. Nothing ties it to what the pod mounts
 * (getContainerUsingResource falls back to the first container), so a value matching nothing the pod mounts restarts it
 * for nothing, and a certificate or trust the compiler's patch mounts that no value matches is renewed without a restart.
 */
function checkReloader(pod: PodTemplate, paths: VerifyPath[], findings: VerifyFinding[], rule: string): void {
  const w = pod.workload;
  const reads = podReads(pod);
  const patchMounts = podReads({ ...pod, spec: (field(pod.patches.at(-1)?.object, "spec", "template", "spec") as Record<string, unknown> | undefined) ?? {} });
  for (const kind of ["Secret", "ConfigMap"] as const) {
    const onWorkload = annotations(w)[RELOAD[kind]];
    const value = onWorkload ?? pod.annotations[RELOAD[kind]];
    if (value === undefined) continue;
    const path = onWorkload !== undefined ? ["metadata", "annotations", RELOAD[kind]] : ["spec", "template", "metadata", "annotations", RELOAD[kind]];
    const doc = [...w.sources].reverse().find((d) => field(d.object, ...path) !== undefined);
    const at = doc ? inDocument(w, doc) : w;
    const named = value.split(",").map((n) => n.trim()).filter(Boolean);
    const matches = (pattern: string, name: string): boolean => {
      try {
        return new RegExp(`^${pattern}$`).test(name);
      } catch {
        return pattern === name;
      }
    };
    const mounted = `pods ${reads[kind].size ? `mount ${[...reads[kind]].sort().join(", ")}` : `mount no ${kind}`}`;
    for (const name of named) {
      const row = { rule, from: `Reloader (${describe(w)})`, to: `${kind} ${pod.namespace}/${name}`, port: "-", client: "restarts the pods when it changes", server: mounted };
      if ([...reads[kind]].some((r) => matches(name, r))) {
        paths.push({ ...row, result: "ok" });
        continue;
      }
      if (!pod.whole) {
        paths.push({ ...row, result: "not checked", reason: missing(`only the patch of ${describe(w)} was read; its own manifest may mount or read ${name}`, "workloads") });
        continue;
      }
      const said = say.MS5057(describe(w), kind, pod.namespace, { watched: name, mounted: [...reads[kind]].sort() });
      paths.push({ ...row, result: "broken", reason: said.message });
      findings.push({ ...said, object: at, path });
    }
    for (const name of [...patchMounts[kind]].sort()) {
      if (named.some((n) => matches(n, name))) continue;
      const said = say.MS5057(describe(w), kind, pod.namespace, { unwatched: name, annotation: value });
      paths.push({ rule, from: `Reloader (${describe(w)})`, to: `${kind} ${pod.namespace}/${name}`, port: "-", client: `watches ${value}`, server: mounted, result: "broken", reason: said.message });
      findings.push({ ...said, object: at, path });
    }
  }
}
