import { findAuthority } from "../model/names.js";
import { say } from "../diagnostics/messages.js";
import type { Model } from "../model/model.js";
import { meshTlsSettings } from "./mesh-tls.js";
import type { PlanContext, TargetPlan } from "./target.js";

/** Where the plug-in CA Secret `cacerts` is mounted in istiod (Istio "Plug in CA certificates"). */
const CACERTS_DIR = "/etc/cacerts";

/**
 * The control plane resource with the policy's security settings: ServiceMeshControlPlane v1 or v2
 * (Maistra), or the Sail operator's `Istio`. Whole when the policy owns it, else a patch.
 */
export function planControlPlane(context: PlanContext, plan: TargetPlan): void {
  const { model } = context;
  const mesh = model.platform.mesh;
  const tls = meshTlsSettings(model, plan);
  const pluginCa = pluginCaAuthority(model, plan);
  const mtlsStrict = (model.mtls?.mode ?? "PERMISSIVE") === "STRICT";
  const trust = trustDomainOf(model);
  let apiVersion: string;
  let kind: string;
  let spec: Record<string, unknown>;
  let namespace: string | undefined = mesh.namespace;

  if (mesh.flavor === "maistra-v1") {
    checkMaistraV1Version(model, plan);
    // maistra.io/v1: spec.istio is the Helm values tree; suites and curves are comma-separated strings.
    // global.mtls.enabled is the mesh-wide mode: the operator renders it itself (maistra/istio-operator
    // resources/helm/v1.1/istio/charts/security/templates/enable-mesh-mtls.yaml: ServiceMeshPolicy
    // default STRICT + DestinationRule default `*.local` ISTIO_MUTUAL + api-server DISABLE when true;
    // enable-mesh-permissive.yaml: ServiceMeshPolicy default PERMISSIVE when false). See mesh.ts.
    apiVersion = "maistra.io/v1";
    kind = "ServiceMeshControlPlane";
    spec = {
      ...(mesh.version ? { version: mesh.version } : {}),
      istio: {
        global: {
          mtls: { enabled: mtlsStrict },
          ...(tls ? { tls: { minProtocolVersion: tls.minProtocolVersion, maxProtocolVersion: tls.maxProtocolVersion, ...(tls.cipherSuites.length ? { cipherSuites: tls.cipherSuites.join(",") } : {}), ...(tls.ecdhCurves.length ? { ecdhCurves: tls.ecdhCurves.join(",") } : {}) } } : {}),
          // Helm values of the v1.1 charts: the mesh ConfigMap takes trustDomain and trustDomainAliases from
          // global.* (maistra/istio-operator resources/helm/v1.1/istio/templates/configmap.yaml).
          ...(trust ? { trustDomain: trust.domain, trustDomainAliases: trust.aliases } : {}),
        },
        security: { selfSigned: !pluginCa },
      },
    };
  } else if (mesh.flavor === "maistra-v2") {
    // spec.security.dataPlane.mtls becomes global.mtls.enabled: true renders PeerAuthentication default
    // STRICT and DestinationRule default `*.cluster.local` ISTIO_MUTUAL (+ api-server DISABLE) in the control
    // plane namespace, false a PeerAuthentication default PERMISSIVE (maistra/istio-operator
    // resources/helm/v2.6/mesh-config/templates/enable-mesh-{mtls,permissive}.yaml).
    apiVersion = "maistra.io/v2";
    kind = "ServiceMeshControlPlane";
    spec = {
      ...(mesh.version ? { version: mesh.version } : {}),
      security: {
        dataPlane: { mtls: mtlsStrict },
        ...(trust ? { trust: { domain: trust.domain, additionalDomains: trust.aliases } } : {}),
        ...(tls ? { controlPlane: { tls: { minProtocolVersion: tls.minProtocolVersion, maxProtocolVersion: tls.maxProtocolVersion, ...(tls.cipherSuites.length ? { cipherSuites: tls.cipherSuites } : {}), ...(tls.ecdhCurves.length ? { ecdhCurves: tls.ecdhCurves } : {}) } } } : {}),
        ...(pluginCa ? { certificateAuthority: { type: "Istiod", istiod: { type: "PrivateKey", privateKey: { rootCADir: CACERTS_DIR } } } } : {}),
      },
    };
  } else {
    // sailoperator.io/v1 Istio is cluster-scoped; istiod picks up a `cacerts` Secret in its namespace by itself.
    apiVersion = "sailoperator.io/v1";
    kind = "Istio";
    namespace = undefined;
    spec = {
      namespace: mesh.namespace,
      ...(mesh.version ? { version: mesh.version } : {}),
      ...(tls || trust
        ? {
            values: {
              meshConfig: {
                ...(trust ? { trustDomain: trust.domain, trustDomainAliases: trust.aliases } : {}),
                ...(tls
                  ? {
                      // meshMTLS: workload-to-workload (ISTIO_MUTUAL); curves are not honoured there.
                      meshMTLS: { minProtocolVersion: tls.minProtocolVersion, ...(tls.cipherSuites.length ? { cipherSuites: tls.cipherSuites } : {}) },
                      tlsDefaults: { minProtocolVersion: tls.minProtocolVersion, ...(tls.cipherSuites.length ? { cipherSuites: tls.cipherSuites } : {}), ...(tls.ecdhCurves.length ? { ecdhCurves: tls.ecdhCurves } : {}) },
                    }
                  : {}),
              },
            },
          }
        : {}),
    };
  }

  plan.objects.push({
    target: "mesh",
    template: "mesh/control-plane",
    values: { apiVersion, kind, name: mesh.controlPlane, namespace: namespace ?? null, spec },
    apiVersion,
    kind,
    name: mesh.controlPlane,
    ...(namespace ? { namespace } : {}),
    role: mesh.owned ? "resource" : "patch",
    wave: 0,
    reason: mesh.owned ? `the policy owns the ${kind} (platform.serviceMesh.owned)` : `the ${kind} is owned by the mesh installation: its security settings are added by a patch`,
    source: [...mesh.path],
  });
  if (trust) {
    plan.notes.push({
      subject: "mesh",
      text: `trust domain ${trust.domain}, written into the ${kind} (${TRUST_FIELD[mesh.flavor]}), with ${trust.aliases.join(", ")} as an alias so that workloads still holding a ${trust.aliases.join(", ")} certificate keep their identity while the change rolls out`,
    });
  }
  if (pluginCa) plan.notes.push({ subject: "mesh", text: `plug-in CA: istiod signs workload certificates with authority ${pluginCa} from Secret ${mesh.namespace}/cacerts (${CACERTS_DIR})` });
  else plan.notes.push({ subject: "mesh", text: "the control plane keeps its own self-signed CA (set platform.serviceMesh.certificateAuthority to plug one in)" });
}

/**
 * `maistra-v1` is Service Mesh 1.1 only. The 2.x operators' defaulting webhook sets `spec.version` of a
 * new `maistra.io/v1` SMCP to v1.1 (maistra/istio-operator pkg/controller/servicemesh/webhooks/mutation,
 * `smcpv1mutator.DefaultVersion`), while they support only versions from their build's
 * `MinimumSupportedVersion` up (pkg/controller/versions/versions.go `init`; v2.2 on current operators),
 * and `ParseVersion` refuses v1.0 ("support for v1.0 has been dropped"). The v1alpha1 Policy CRD ships in
 * resources/helm/v1.1/istio-init only. So: always a warning, and an error for a version other than v1.1.
 */
function checkMaistraV1Version(model: Model, plan: TargetPlan): void {
  const mesh = model.platform.mesh;
  plan.findings.push({ ...say.MS2257(), path: [...mesh.path, "flavor"] });
  if (mesh.version !== undefined && mesh.version !== "v1.1") {
    plan.findings.push({ ...say.MS2258(mesh.version), path: [...mesh.path, "version"] });
  }
}

/** The authority used as plug-in CA, if the policy names one. */
function pluginCaAuthority(model: Model, plan: TargetPlan): string | undefined {
  const name = model.platform.mesh.certificateAuthority;
  if (!name) return undefined;
  const authority = findAuthority(model, name);
  if (authority && authority.source.type !== "generate") {
    plan.notes.push({
      subject: "mesh",
      text: `authority ${name} is not generated by the compiler: create Secret ${model.platform.mesh.namespace}/cacerts (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem) yourself`,
    });
  }
  return name;
}

/** Istio's default trust domain: a mesh that never set one runs with it. */
const DEFAULT_TRUST_DOMAIN = "cluster.local";

/** Where each control plane takes the trust domain (checked against the CRD schemas / chart values). */
const TRUST_FIELD: Record<string, string> = {
  "maistra-v1": "spec.istio.global.trustDomain",
  "maistra-v2": "spec.security.trust.domain",
  sail: "spec.values.meshConfig.trustDomain",
};

/**
 * The trust domain to write into the control plane: the policy's, when it is not Istio's default
 * (AuthorizationPolicy principals name it, so the control plane must run with it). The default domain is
 * kept as an alias: Istio accepts a principal of any alias for the trust domain
 * (istio/istio pilot/pkg/security/trustdomain/bundle.go, `ReplaceTrustDomainAliases`), so workloads whose
 * certificates were issued under `cluster.local` before the change keep their identity until they rotate.
 */
function trustDomainOf(model: Model): { domain: string; aliases: string[] } | undefined {
  const domain = model.platform.mesh.trustDomain;
  if (domain === DEFAULT_TRUST_DOMAIN) return undefined;
  return { domain, aliases: [DEFAULT_TRUST_DOMAIN] };
}
