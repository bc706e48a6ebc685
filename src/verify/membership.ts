import { field, labels, str } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";

const SMCP = "maistra.io/ServiceMeshControlPlane";
const SAIL = "sailoperator.io/Istio";

/** Whether a namespace's pods get a sidecar from the control plane read, as far as what was read tells. */
export type Membership = { member: true; by: string; controlPlane: KubeObject } | { member: false; why: string } | { member: "unknown"; why: string };

/**
 * The Sail revisions of an `Istio`: its name (InPlace), or `<name>-<version with dashes>` (RevisionBased); tags too
 * (sail-operator controllers/istiorevisiontag/istiorevisiontag_controller.go installs the revisiontags chart with
 * revisionTags [<tag name>]; its revision-tags-mwc.yaml selects `istio.io/rev In [<tag>]`, and a tag named `default`
 * also answers istio-injection=enabled). A revision named `default` is the default revision (api/v1/istiorevision_types.go
 * DefaultRevision; istiorevision_controller.go requires values.revision "" for it).
 */
export function sailRevisions(index: ObjectIndex): Set<string> {
  const out = new Set<string>();
  for (const istio of index.list(SAIL)) {
    // istio-ecosystem/sail-operator controllers/istio/istio_controller.go getActiveRevisionName: the Istio's name with
    // updateStrategy InPlace (and when unset: api/v1/istio_types.go defaults it to InPlace), `<name>-<spec.version with
    // dots replaced by dashes>` with RevisionBased (the `v` prefix kept: v1.24.1 → <name>-v1-24-1). spec.version itself
    // defaults in the CRD to the operator's newest version, which is not modelled: without spec.version the
    // RevisionBased name below is incomplete and the namespace label will not match it.
    const revisionBased = str(istio.body, "spec", "updateStrategy", "type") === "RevisionBased";
    const version = str(istio.body, "spec", "version") ?? "";
    out.add(revisionBased ? `${istio.name}-${version.replace(/\./g, "-")}` : istio.name);
  }
  for (const tag of index.list("sailoperator.io/IstioRevisionTag")) out.add(tag.name);
  return out;
}

/** The ServiceMeshControlPlanes read, and whether a ServiceMeshMember's controlPlaneRef names one of them. */
export function memberControlPlane(index: ObjectIndex, member: KubeObject): KubeObject | undefined {
  const name = str(member.body, "spec", "controlPlaneRef", "name");
  const ns = str(member.body, "spec", "controlPlaneRef", "namespace");
  return index.list(SMCP).find((cp) => cp.name === name && cp.namespace === ns);
}

/**
 * Mesh membership of a namespace.
 * Maistra (maistra/istio-operator pkg/controller/servicemesh/member/controller.go reconcileObject: the member's
 * spec.controlPlaneRef names the SMCP, and the namespace is reconciled into the mesh of controlPlaneRef.namespace;
 * memberroll/controller.go for the roll): a ServiceMeshMember `default` in the namespace whose controlPlaneRef names
 * the SMCP, or the SMCP namespace's ServiceMeshMemberRoll `default` listing it; member/namespace_reconciler.go
 * reconcileNamespaceInMesh then labels the namespace `maistra.io/member-of: <cp ns>` (common.MemberOfKey).
 * Sail / Istio (pkg/kube/inject/webhook.go, the revision's MutatingWebhookConfiguration namespaceSelector): the namespace
 * label `istio.io/rev: <revision>`, or `istio-injection: enabled` for the `default` revision.
 */
export function membershipOf(index: ObjectIndex, namespace: string): Membership {
  const smcps = index.list(SMCP);
  if (smcps.length > 0) {
    const smm = index.get("maistra.io/ServiceMeshMember", namespace, "default");
    const cp = smm ? memberControlPlane(index, smm) : undefined;
    if (smm && cp) return { member: true, by: `ServiceMeshMember ${namespace}/default`, controlPlane: cp };
    for (const cp2 of smcps) {
      const roll = index.get("maistra.io/ServiceMeshMemberRoll", cp2.namespace, "default");
      const members = field(roll?.body, "spec", "members");
      if (Array.isArray(members) && members.includes(namespace)) return { member: true, by: `ServiceMeshMemberRoll ${cp2.namespace ?? ""}/default`, controlPlane: cp2 };
    }
    if (smcps.some((cp2) => cp2.namespace === namespace)) return { member: true, by: "the control plane namespace", controlPlane: smcps.find((cp2) => cp2.namespace === namespace) as KubeObject };
    if (smm) return { member: false, why: `ServiceMeshMember ${namespace}/default names no control plane read` };
    return { member: "unknown", why: `no ServiceMeshMember or member roll entry for ${namespace} was read` };
  }
  const istios = index.list(SAIL);
  if (istios.length > 0) {
    const ns = index.get("/Namespace", undefined, namespace);
    if (!ns) return { member: "unknown", why: `Namespace ${namespace} (its injection label) was not read` };
    const l = labels(ns);
    const revisions = sailRevisions(index);
    const rev = l["istio.io/rev"];
    // sail-operator pkg/revision/references.go GetReferencedRevisionFromNamespace and the istiod chart's
    // mutatingwebhook.yaml: istio-injection takes precedence; the revision webhook needs it absent.
    if (l["istio-injection"] !== undefined && l["istio-injection"] !== "enabled") return { member: false, why: `Namespace ${namespace} is labelled istio-injection: ${l["istio-injection"]}, which hides any istio.io/rev label` };
    if (rev !== undefined && l["istio-injection"] === undefined) return revisions.has(rev) ? { member: true, by: `istio.io/rev: ${rev}`, controlPlane: istios[0] as KubeObject } : { member: false, why: `istio.io/rev: ${rev} names no revision read (${[...revisions].join(", ")})` };
    if (l["istio-injection"] === "enabled") return revisions.has("default") ? { member: true, by: "istio-injection: enabled", controlPlane: istios[0] as KubeObject } : { member: false, why: `istio-injection: enabled selects the revision "default", and the revisions read are ${[...revisions].join(", ")}` };
    return ns.partial ? { member: "unknown", why: `only a patch of Namespace ${namespace} was read` } : { member: false, why: `Namespace ${namespace} has no injection label` };
  }
  return { member: "unknown", why: "no control plane was read" };
}

/**
 * Whether Maistra injects a pod of a member namespace. Maistra's profiles set `proxy.injection.autoInject: false`
 * (maistra/istio-operator resources/smcp-templates/v2.5/base, the newest in the snapshot read), so the injector's policy is disabled and a pod gets a
 * sidecar only when its template asks with `sidecar.istio.io/inject: "true"` (annotation, or label).
 */
export function maistraInjects(controlPlane: KubeObject, podLabels: Record<string, string>, podAnnotations: Record<string, string>): boolean {
  if (controlPlane.group !== SMCP) return podAnnotations["sidecar.istio.io/inject"] !== "false" && podLabels["sidecar.istio.io/inject"] !== "false";
  if (podAnnotations["sidecar.istio.io/inject"] === "true" || podLabels["sidecar.istio.io/inject"] === "true") return true;
  return field(controlPlane.body, "spec", "proxy", "injection", "autoInject") === true && podAnnotations["sidecar.istio.io/inject"] !== "false";
}
