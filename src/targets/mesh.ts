import type { Model, Service } from "../model/model.js";
import { say } from "../diagnostics/messages.js";
import { namespaceMtls, serviceMtls } from "../model/mtls.js";
import type { MtlsMode } from "../model/policy-input.js";
import type { PlannedObject } from "../plan/planned-object.js";
import { planClientTls } from "./mesh-client.js";
import { planAuthorization } from "./mesh-authorization.js";
import { planControlPlane } from "./mesh-control-plane.js";
import { planMembership } from "./mesh-membership.js";
import { emptyPlan } from "./target.js";
import type { PlanContext, Target, TargetPlan } from "./target.js";

/** Waves: STRICT policies and DestinationRules last, after the workloads they protect are in the mesh. */
const STRICT_WAVE = 20;

/** The namespace-wide mTLS objects whose previous mode the migration rule reads (Maistra v2 / Sail, Maistra v1). */
const MIGRATION_KINDS = ["PeerAuthentication", "Policy"] as const;

/**
 * Service Mesh security: the control plane's TLS and CA settings, mTLS policies per namespace and
 * per workload (PeerAuthentication, or Maistra 1.x Policy + DestinationRule), and the rules that keep
 * an mTLS migration from breaking traffic.
 */
export const meshTarget: Target = {
  id: "mesh",
  previousKinds: MIGRATION_KINDS,
  plan(context: PlanContext): TargetPlan {
    const plan = emptyPlan();
    const { model } = context;
    const flavor = model.platform.mesh.flavor;
    if (flavor === "none") {
      // PERMISSIVE with no overrides asks for nothing a missing mesh would not already give.
      if (model.mtls && (model.mtls.mode !== "PERMISSIVE" || model.mtls.namespaces.length > 0)) {
        plan.findings.push({ ...say.MS2250(), path: [...model.mtls.path] });
      }
      for (const service of model.services.filter((s) => s.callers.length > 0)) {
        plan.notes.push({ subject: `service ${service.namespace}/${service.name}`, text: "authorization is not enforced: without a mesh, any client that reaches the port may call (callers only get the CA trust)" });
      }
      return plan;
    }
    planControlPlane(context, plan);
    const namespaces = namespaceMtls(model);
    const meshMode = model.mtls?.mode ?? "PERMISSIVE";
    const meshNamespace = model.platform.mesh.namespace;
    const meshSource = model.mtls ? "mtls.mode" : "the default";
    if (flavor === "sail") {
      // No operator-rendered defaults on Sail: it renders the upstream Istio charts (sail-operator
      // resources/<version>/charts/istiod), which have no counterpart of Maistra's mesh-config
      // enable-mesh-*.yaml (the stored template listing is partial: not checked file by file). A
      // PeerAuthentication in the root namespace (meshConfig.rootNamespace, the control plane's) is mesh-wide.
      plan.objects.push(namespacePolicy(model, meshNamespace, meshMode, [...(model.mtls?.path ?? ["platform", "serviceMesh"])]));
      plan.notes.push({ subject: "mesh", text: `mesh-wide mTLS ${meshMode} (from ${meshSource}), a PeerAuthentication in ${meshNamespace}` });
    } else {
      // Maistra renders the mesh-wide default itself from the control plane (mesh-control-plane.ts): never
      // emit an object of its kind/namespace/name. On 1.x a Policy in the control plane namespace would
      // only cover that namespace anyway (Istio 1.4 push_context.go `initAuthnPolicies`: a Policy without
      // targets is stored for its own namespace; `AuthenticationPolicyForWorkload` falls back to the mesh
      // policy, which Maistra serves as ServiceMeshPolicy `default`).
      const rendered = flavor === "maistra-v1" ? "ServiceMeshPolicy default" : "PeerAuthentication default";
      plan.notes.push({
        subject: "mesh",
        text: `mesh-wide mTLS ${meshMode} (from ${meshSource}) through the control plane: the operator renders ${rendered} in ${meshNamespace} ${meshMode === "STRICT" ? "STRICT, and DestinationRule default ISTIO_MUTUAL for every host" : "PERMISSIVE"}`,
      });
      if (meshMode === "DISABLE") {
        plan.findings.push({ ...say.MS2256(flavor === "maistra-v1"), path: [...(model.mtls?.path ?? ["mtls"]), "mode"] });
      }
    }
    for (const ns of namespaces) {
      if (ns.namespace === meshNamespace) {
        if (ns.source === "namespace") {
          plan.findings.push({ ...say.MS2255(meshNamespace), path: [...ns.path], at: "key" });
        }
        continue;
      }
      const fillDisable = ns.source === "mesh" && ns.mode === "DISABLE" && flavor !== "sail";
      if (ns.source === "namespace" || fillDisable) plan.objects.push(namespacePolicy(model, ns.namespace, ns.mode, [...ns.path]));
      plan.notes.push({ subject: `mesh namespace ${ns.namespace}`, text: `mTLS ${ns.mode} (from ${ns.source === "namespace" ? `mtls.namespaces.${ns.namespace}` : "mtls.mode, mesh-wide"}${fillDisable ? "; a namespace policy, since the control plane cannot express mesh-wide DISABLE" : ""})` });
    }

    for (const service of model.services) {
      if (service.mtls) planWorkload(model, service, plan);
      checkService(model, service, plan);
    }
    planClientTls(model, plan);
    planMembership(model, plan);
    planAuthorization(context, plan);
    checkMigration(context, plan);
    return plan;
  },
};

function namespacePolicy(model: Model, namespace: string, mode: MtlsMode, source: (string | number)[]): PlannedObject {
  const flavor = model.platform.mesh.flavor;
  const wave = mode === "STRICT" ? STRICT_WAVE : 0;
  if (flavor === "maistra-v1") {
    // authentication.istio.io/v1alpha1 Policy: peers with mtls (Maistra 1.x / Istio 1.4 API); no peers disables it.
    return {
      target: "mesh",
      template: "mesh/policy-v1alpha1",
      values: { name: "default", namespace, spec: mode === "DISABLE" ? {} : { peers: [{ mtls: mode === "STRICT" ? {} : { mode: "PERMISSIVE" } }] } },
      apiVersion: "authentication.istio.io/v1alpha1",
      kind: "Policy",
      name: "default",
      namespace,
      role: "resource",
      wave,
      reason: `mTLS ${mode} for namespace ${namespace}`,
      source,
    };
  }
  return {
    target: "mesh",
    template: "mesh/peer-authentication",
    values: { apiVersion: peerAuthenticationVersion(model), name: "default", namespace, spec: { mtls: { mode } } },
    apiVersion: peerAuthenticationVersion(model),
    kind: "PeerAuthentication",
    name: "default",
    namespace,
    role: "resource",
    wave,
    reason: namespace === model.platform.mesh.namespace ? `mesh-wide mTLS ${mode} (a PeerAuthentication in the control plane namespace applies to the whole mesh)` : `mTLS ${mode} for namespace ${namespace}`,
    source,
  };
}

/** Maistra 2.x ships Istio 1.x releases that serve security.istio.io/v1beta1; v1 arrived with Istio 1.22 (Sail). */
function peerAuthenticationVersion(model: Model): string {
  return model.platform.mesh.flavor === "sail" ? "security.istio.io/v1" : "security.istio.io/v1beta1";
}

/** A workload override: on the service's own port when it is numeric, else for the whole workload. */
function planWorkload(model: Model, service: Service, plan: TargetPlan): void {
  const override = service.mtls;
  if (!override) return;
  const flavor = model.platform.mesh.flavor;
  // Maistra 1.x Policy targets name the Service, not its pods: no selector needed there.
  if (!service.selector && flavor !== "maistra-v1") {
    plan.findings.push({ ...say.MS2251(service.name), path: [...override.path] });
    return;
  }
  const namespaceMode = namespaceMtls(model).find((n) => n.namespace === service.namespace)?.mode ?? "PERMISSIVE";
  if (flavor === "maistra-v1") {
    // Policy `targets[].ports` select SERVICE ports: Istio 1.4 `authenticationPolicyForWorkload` matches
    // with `Port.Match`, which compares the selector with the Service port's number or name
    // (pilot/pkg/model/service.go; push_context.go `initAuthnPolicies` stores one entry per target port).
    const port = service.port;
    plan.objects.push({
      target: "mesh",
      template: "mesh/policy-v1alpha1",
      values: {
        name: service.name,
        namespace: service.namespace,
        spec: { targets: [{ name: service.name, ports: [{ number: port }] }], ...(override.mode === "DISABLE" ? {} : { peers: [{ mtls: override.mode === "STRICT" ? {} : { mode: "PERMISSIVE" } }] }) },
      },
      apiVersion: "authentication.istio.io/v1alpha1",
      kind: "Policy",
      name: service.name,
      namespace: service.namespace,
      role: "resource",
      wave: override.mode === "STRICT" ? STRICT_WAVE : 0,
      reason: `per-service mTLS ${override.mode} for ${service.name} on its Service port ${port}`,
      source: [...override.path],
    });
    plan.notes.push({ subject: `service ${service.namespace}/${service.name}`, text: `mTLS ${override.mode} (from services[].mtls, Service port ${port} only)` });
    return;
  }
  const port = typeof service.targetPort === "number" ? service.targetPort : undefined;
  const spec = port
    ? { selector: { matchLabels: service.selector }, mtls: { mode: namespaceMode }, portLevelMtls: { [String(port)]: { mode: override.mode } } }
    : { selector: { matchLabels: service.selector }, mtls: { mode: override.mode } };
  plan.objects.push({
    target: "mesh",
    template: "mesh/peer-authentication",
    values: { apiVersion: peerAuthenticationVersion(model), name: service.name, namespace: service.namespace, spec },
    apiVersion: peerAuthenticationVersion(model),
    kind: "PeerAuthentication",
    name: service.name,
    namespace: service.namespace,
    role: "resource",
    wave: override.mode === "STRICT" ? STRICT_WAVE : 0,
    reason: port ? `mTLS ${override.mode} on port ${port} of ${service.name}; its other ports keep the namespace's ${namespaceMode}` : `mTLS ${override.mode} for the pods of ${service.name}`,
    source: [...override.path],
  });
  plan.notes.push({ subject: `service ${service.namespace}/${service.name}`, text: `mTLS ${override.mode} (from services[].mtls${port ? `, port ${port} only` : ""})` });
}

function checkService(model: Model, service: Service, plan: TargetPlan): void {
  const effective = serviceMtls(model, service);
  if (effective.mode !== "STRICT") return;
  if (service.calledFromOutsideMesh) {
    // Per-workload mTLS needs the pods' labels (MS2251): without a selector, the hint says to add one.
    plan.findings.push({ ...say.MS2252(service.name, effective.source, service.selector !== undefined), path: [...service.path, "calledFromOutsideMesh"] });
  }
  if (service.route && effective.source !== "service") {
    plan.findings.push({ ...say.MS2253(service.name, effective.source, service.selector !== undefined), path: [...service.path, "exposure"] });
  }
}

/** DISABLE straight to STRICT breaks traffic while sidecars pick up the change: go through PERMISSIVE. */
function checkMigration(context: PlanContext, plan: TargetPlan): void {
  const { model } = context;
  for (const ns of namespaceMtls(model)) {
    if (ns.mode !== "STRICT") continue;
    const before = previousMode(context, ns.namespace) ?? (ns.source === "mesh" ? previousMode(context, model.platform.mesh.namespace) : undefined);
    if (before === "DISABLE") {
      plan.findings.push({ ...say.MS2254(ns.namespace), path: [...ns.path] });
    }
  }
}

function previousMode(context: PlanContext, namespace: string): string | undefined {
  for (const key of MIGRATION_KINDS.map((kind) => `${kind}/${namespace}/default`)) {
    const object = context.previous.get(key);
    if (!object) continue;
    const spec = (object["spec"] ?? {}) as { mtls?: { mode?: string }; peers?: Array<{ mtls?: { mode?: string } }> };
    if (spec.mtls?.mode) return spec.mtls.mode;
    if (key.startsWith("Policy/")) return spec.peers?.length ? spec.peers[0]?.mtls?.mode ?? "STRICT" : "DISABLE";
  }
  return undefined;
}
