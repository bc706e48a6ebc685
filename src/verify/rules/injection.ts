import { isObject } from "../manifests.js";
import { describe, field, labels, str } from "../object-index.js";
import type { KubeObject, ObjectIndex } from "../object-index.js";
import type { MeshModel } from "../mesh-model.js";
import { namespaceMode } from "../mesh-model.js";
import { maistraInjects, memberControlPlane, membershipOf, sailRevisions } from "../membership.js";
import { podTemplates } from "../pods.js";
import type { PodTemplate } from "../pods.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { selectorMatches } from "../selectors.js";
import { say } from "../../diagnostics/messages.js";

const SMCP = "maistra.io/ServiceMeshControlPlane";
const AUTHZ = "security.istio.io/AuthorizationPolicy";
const PA = "security.istio.io/PeerAuthentication";

/**
 * Injection and membership: a pod has a sidecar only where its namespace joins the emitted control plane and, on
 * Maistra, its template asks for injection (membership.ts cites the operator and webhook sources). A ServiceMeshMember
 * naming another control plane (MS5065) and a namespace label naming no Sail revision (MS5066) are broken paths of
 * their own; a STRICT mode or an AuthorizationPolicy that applies to pods without a sidecar is broken (MS5067):
 * nothing enforces it. Without the pods' own manifests (`--with`) these paths are not checked.
 */
export const injectionRule: VerifyRule = {
  id: "injection",
  hop: "injection",
  needs: ["workloads", "namespaces", "controlPlane"],
  reads: ["maistra.io/ServiceMeshMember|ServiceMeshMemberRoll|ServiceMeshControlPlane", "sailoperator.io/Istio", "v1/Namespace", "apps/Deployment|StatefulSet|DaemonSet", AUTHZ, PA],
  codes: ["MS5065", "MS5066", "MS5067"],
  models: "maistra/istio-operator member controller and smcp-templates (autoInject: false); sail-operator revision names; istio injection webhook namespaceSelector",
  run({ index, mesh }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    const smcps = index.list(SMCP);
    for (const smm of index.list("maistra.io/ServiceMeshMember")) {
      const ref = `${str(smm.body, "spec", "controlPlaneRef", "namespace") ?? "?"}/${str(smm.body, "spec", "controlPlaneRef", "name") ?? "?"}`;
      const row = { rule: this.id, from: describe(smm), to: `ServiceMeshControlPlane ${ref}`, port: "-", client: "joins", server: smcps.length ? `emitted: ${smcps.map(describe).join(", ")}` : "?" };
      if (smcps.length === 0) {
        paths.push({ ...row, result: "not checked", reason: missing("no ServiceMeshControlPlane was read", "controlPlane") });
        continue;
      }
      if (memberControlPlane(index, smm)) {
        paths.push({ ...row, result: "ok" });
        continue;
      }
      const wrongNs = !smcps.some((cp) => cp.namespace === str(smm.body, "spec", "controlPlaneRef", "namespace"));
      const said = say.MS5065(describe(smm), ref, smcps.map(describe), smm.namespace ?? "", smcps.map((cp) => `${cp.namespace ?? ""}/${cp.name}`));
      paths.push({ ...row, result: "broken", reason: said.message });
      findings.push({ ...said, object: smm, path: ["spec", "controlPlaneRef", wrongNs ? "namespace" : "name"] });
    }
    if (index.list("sailoperator.io/Istio").length > 0) {
      const revisions = sailRevisions(index);
      for (const ns of index.list("/Namespace")) {
        const l = labels(ns);
        const rev = l["istio.io/rev"];
        const injection = l["istio-injection"];
        // istio-ecosystem/sail-operator resources/<version>/charts/istiod/templates/mutatingwebhook.yaml: the revision's
        // namespace webhook selects `istio.io/rev In [<revision>]` AND `istio-injection DoesNotExist`; only the default
        // revision's selects `istio-injection In [enabled]` (pkg/revision/references.go GetReferencedRevisionFromNamespace:
        // "istio-injection label takes precedence over istio.io/rev"). So any istio-injection label hides istio.io/rev.
        if (rev === undefined && injection !== "enabled") continue;
        const hidden = rev !== undefined && injection !== undefined && injection !== "enabled";
        const asked = injection === "enabled" ? "istio-injection: enabled" : `istio.io/rev: ${rev ?? ""}${hidden ? ` (ignored: istio-injection: ${injection})` : ""}`;
        const ok = hidden ? false : injection === "enabled" ? revisions.has("default") : revisions.has(rev ?? "");
        const row = { rule: this.id, from: `Namespace ${ns.name}`, to: `Istio revisions ${[...revisions].join(", ")}`, port: "-", client: asked, server: "injection webhook" };
        if (ok) {
          paths.push({ ...row, result: "ok" });
          continue;
        }
        const said = say.MS5066(ns.name, hidden ? { revision: rev ?? "", injection: injection ?? "" } : { asked }, [...revisions]);
        paths.push({ ...row, result: "broken", reason: said.message });
        findings.push({ ...said, object: ns, path: ["metadata", "labels", injection !== undefined ? "istio-injection" : "istio.io/rev"] });
      }
    }
    if (!mesh.present) return { paths, findings };
    // Every namespace holding a mesh policy that needs a sidecar to hold.
    const namespaces = new Set<string>([...index.list(AUTHZ), ...index.list(PA)].map((o) => o.namespace ?? "default").filter((n) => n !== mesh.rootNamespace));
    const pods = podTemplates(index);
    for (const pod of pods) if (pod.namespace !== mesh.rootNamespace) namespaces.add(pod.namespace);
    for (const ns of [...namespaces].sort()) {
      const inNs = pods.filter((p) => p.namespace === ns);
      const whole = inNs.filter((p) => p.whole);
      if (whole.length === 0) {
        const promises = enforcing(index, mesh, ns, undefined);
        if (promises.length > 0) paths.push({ rule: this.id, from: `pods of namespace ${ns}`, to: promises.map((p) => describe(p.object)).join(", "), port: "-", client: "sidecar?", server: promises.map((p) => p.what).join("; "), result: "not checked", reason: missing(`whether the pods of ${ns} get a sidecar is unknown`, "workloads") });
        continue;
      }
      const membership = membershipOf(index, ns);
      for (const pod of whole) checkPod(index, mesh, pod, membership, paths, findings, this.id);
    }
    return { paths, findings };
  },
};

interface Promise_ {
  object: KubeObject;
  path: (string | number)[];
  what: string;
}

/** The mesh policies whose promise needs a sidecar on these pods: STRICT (workload, namespace or mesh level) and AuthorizationPolicies. */
function enforcing(index: ObjectIndex, mesh: MeshModel, namespace: string, podLabels: Record<string, string> | undefined): Promise_[] {
  const out: Promise_[] = [];
  for (const ap of index.list(AUTHZ)) {
    const selector = field(ap.body, "spec", "selector");
    const applies = (ap.namespace === namespace && (podLabels === undefined ? !isObject(selector) : selectorMatches(selector, podLabels))) || (ap.namespace === mesh.rootNamespace && !isObject(selector));
    if (applies) out.push({ object: ap, path: isObject(selector) ? ["spec", "selector"] : ["spec"], what: `${str(ap.body, "spec", "action") ?? "ALLOW"} policy ${ap.name}` });
  }
  const workloadPa = podLabels ? index.list(PA, namespace).find((p) => isObject(field(p.body, "spec", "selector")) && selectorMatches(field(p.body, "spec", "selector"), podLabels)) : undefined;
  const workloadMode = str(workloadPa?.body, "spec", "mtls", "mode");
  if (workloadPa && workloadMode === "STRICT") out.push({ object: workloadPa, path: ["spec", "mtls", "mode"], what: "mTLS STRICT" });
  else if (!workloadMode || workloadMode === "UNSET") {
    const decided = namespaceMode(index, mesh, namespace);
    if (decided.value === "STRICT" && decided.by) out.push({ object: decided.by, path: decided.path ?? ["spec"], what: `mTLS STRICT (${decided.note})` });
  }
  return out;
}

function checkPod(index: ObjectIndex, mesh: MeshModel, pod: PodTemplate, membership: ReturnType<typeof membershipOf>, paths: VerifyPath[], findings: VerifyFinding[], rule: string): void {
  const promises = enforcing(index, mesh, pod.namespace, pod.labels);
  if (promises.length === 0) return;
  const row = { rule, from: `pods of ${describe(pod.workload)}`, to: promises.map((p) => describe(p.object)).join(", "), port: "-", server: promises.map((p) => p.what).join("; ") };
  if (membership.member === "unknown") {
    paths.push({ ...row, client: "sidecar?", result: "not checked", reason: missing(membership.why, "namespaces") });
    return;
  }
  const injected = membership.member === true && maistraInjects(membership.controlPlane, pod.labels, pod.annotations);
  if (injected) {
    paths.push({ ...row, client: `sidecar (${membership.member === true ? membership.by : ""})`, result: "ok" });
    return;
  }
  const why = membership.member === false ? { notMember: membership.why } : { files: pod.wholes.map((d) => d.file) };
  for (const p of promises) {
    const said = say.MS5067(p.what, describe(p.object), describe(pod.workload), why);
    paths.push({ ...row, to: describe(p.object), server: p.what, client: "no sidecar", result: "broken", reason: said.message });
    findings.push({ ...said, object: p.object, path: p.path });
  }
}
