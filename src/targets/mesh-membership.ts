import type { Model } from "../model/model.js";
import { namespaceMtls } from "../model/mtls.js";
import type { TargetPlan } from "./target.js";

/** The Sail revision whose webhook also answers the legacy `istio-injection=enabled` label. */
const DEFAULT_REVISION = "default";

/**
 * Mesh membership: a PeerAuthentication or Policy does nothing in a namespace whose pods have no sidecar.
 * Every namespace the policy gives an mTLS mode (services and `mtls.namespaces`, not the control plane's)
 * is made a member.
 *
 * Maistra (1.1 and 2.x): a `ServiceMeshMember` named `default` in the namespace (the operator's validating
 * webhook refuses any other name: maistra/istio-operator pkg/controller/servicemesh/webhooks/validation/member.go,
 * "the ServiceMeshMember resource must be named \"default\"", and refuses any change of spec.controlPlaneRef:
 * "mutation of .spec.controlPlaneRef isn't allowed"; the CRD ships since manifests-maistra/1.1.0/servicemeshmembers.crd.yaml). It is used on 1.x too,
 * rather than the ServiceMeshMemberRoll `default`: the member roll belongs to the mesh installation, and a
 * kustomize patch of its `spec.members` list would replace the whole list (a custom resource gets no
 * strategic merge), dropping every other team's namespace.
 *
 * Sail: the namespace label the `Istio` revision's injection webhook selects (sail-operator
 * resources/<version>/charts/istiod/templates/mutatingwebhook.yaml: `istio.io/rev In [<revision>]` with
 * `istio-injection DoesNotExist`, and for the default revision also `istio-injection In [enabled]`; an existing
 * istio-injection label of any other value hides istio.io/rev, pkg/revision/references.go). With the InPlace
 * update strategy (the CRD's default, api/v1/istio_types.go) the revision is named after the `Istio` resource
 * (controllers/istio/istio_controller.go getActiveRevisionName); RevisionBased appends the version and needs
 * an IstioRevisionTag (explained, not generated). The label is a patch: the policy does not own Namespaces.
 */
export function planMembership(model: Model, plan: TargetPlan): void {
  const mesh = model.platform.mesh;
  if (!mesh.membership) {
    plan.notes.push({ subject: "mesh", text: "membership left to the mesh installation (platform.serviceMesh.membership: false)" });
    return;
  }
  const namespaces = namespaceMtls(model).filter((ns) => ns.namespace !== mesh.namespace);
  if (mesh.flavor === "sail") {
    const labels = mesh.controlPlane === DEFAULT_REVISION ? { "istio-injection": "enabled" } : { "istio.io/rev": mesh.controlPlane };
    const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`)[0] ?? "";
    for (const ns of namespaces) {
      plan.objects.push({
        target: "mesh",
        template: "mesh/namespace-patch",
        values: { name: ns.namespace, labels },
        apiVersion: "v1",
        kind: "Namespace",
        name: ns.namespace,
        role: "patch",
        wave: -20,
        reason: `sidecar injection by the ${mesh.controlPlane} revision (${label}), so the mesh policies of ${ns.namespace} have proxies to act on`,
        source: [...ns.path],
      });
    }
    if (namespaces.length > 0) {
      plan.notes.push({
        subject: "mesh",
        text: `members: ${namespaces.map((n) => n.namespace).join(", ")} labelled ${label} (a patch on each Namespace; with updateStrategy RevisionBased the revision is ${mesh.controlPlane}-<version>: point an IstioRevisionTag at it)`,
      });
    }
    return;
  }
  for (const ns of namespaces) {
    plan.objects.push({
      target: "mesh",
      template: "mesh/service-mesh-member",
      values: { name: "default", namespace: ns.namespace, controlPlaneRef: { name: mesh.controlPlane, namespace: mesh.namespace } },
      apiVersion: "maistra.io/v1",
      kind: "ServiceMeshMember",
      name: "default",
      namespace: ns.namespace,
      role: "resource",
      wave: 0,
      reason: `joins ${ns.namespace} to the mesh of ${mesh.namespace}/${mesh.controlPlane}, so its mesh policies have sidecars to act on`,
      source: [...ns.path],
    });
  }
  const unpatched = model.services.filter((s) => !s.workload && s.namespace !== mesh.namespace).map((s) => `${s.namespace}/${s.name}`);
  // Membership alone injects nothing with Maistra's default profiles: they turn auto-injection off
  // (maistra/istio-operator resources/smcp-templates/v1.1/base `global.proxy.autoInject: disabled`,
  // v2.5/base `proxy.injection.autoInject: false`; v2.6 is not in the snapshot read), so pods need the sidecar.istio.io/inject annotation.
  if (namespaces.length > 0) {
    plan.notes.push({
      subject: "mesh",
      text: `members: ${namespaces.map((n) => n.namespace).join(", ")} (a ServiceMeshMember each, referencing ${mesh.namespace}/${mesh.controlPlane}); with the default profiles pods get a sidecar only when annotated sidecar.istio.io/inject: "true": the workload patch adds it to the pod template of every services[].workload${unpatched.length > 0 ? `; the pods of ${unpatched.join(", ")} have no workload here and need it themselves` : ""}`,
    });
  }
}
