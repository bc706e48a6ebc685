import type { Exposure, KeyAlgorithm, MeshFlavor, MtlsMode, OutputSecrets, RouteCertificates, SealedSecretsSettings, SecretKeyRefInput } from "./policy-input.js";

/** A path into the policy document, kept on every model entry so rules can point at the source. */
export type PolicyPath = readonly (string | number)[];

/** The built-in issuer: the OpenShift Service CA, driven by Service annotations. */
export const SERVICE_CA = "service-ca";

/** A cert-manager issuer reference, always with explicit kind and group (Argo CD drift otherwise). */
export interface IssuerRef {
  name: string;
  kind: "ClusterIssuer" | "Issuer";
  group: "cert-manager.io";
}

export interface Authority {
  name: string;
  path: PolicyPath;
  source:
    | { type: "generate"; keyAlgorithm: KeyAlgorithm; subject: string; validityDays: number; intermediate: boolean; intermediateValidityDays: number; /** False when the default applies. */ intermediateValidityDaysSet: boolean }
    | { type: "existingSecret"; secretName: string; namespace: string }
    | { type: "certManager"; issuer: string; commonName: string; keyAlgorithm: KeyAlgorithm; duration: string };
}

export interface AcmeSolver {
  http01?: { ingressClass: string };
  dns01?: NonNullable<import("./policy-input.js").AcmeSolverInput["dns01"]>;
}

export interface Issuer {
  name: string;
  path: PolicyPath;
  ref: IssuerRef;
  /** Set for a namespaced Issuer. */
  namespace?: string;
  spec:
    | { type: "ca"; authority: string }
    | { type: "selfSigned" }
    | { type: "acme"; server: string; serverName: "production" | "staging" | "custom"; email: string; accountKeySecretName: string; solver: AcmeSolver };
}

/** The pod's serving certificate from the OpenShift Service CA. */
export interface ServiceCaCertificate {
  issuer: typeof SERVICE_CA;
  path: PolicyPath;
  secretName: string;
  /** Only present when the policy asked for them, which is an error (the Service CA cannot honour them). */
  keystores: readonly ("jks" | "pkcs12")[];
}

/** A certificate issued by cert-manager. */
export interface ManagedCertificate {
  issuer: string;
  path: PolicyPath;
  issuerRef: IssuerRef;
  secretName: string;
  dnsNames: readonly string[];
  /** Canonical Go durations (`2160h0m0s`). */
  duration: string;
  renewBefore: string;
  privateKey: { algorithm: "RSA" | "ECDSA" | "Ed25519"; size?: number; rotationPolicy: "Always" };
  usages: readonly string[];
  keystores: readonly ("jks" | "pkcs12")[];
  keystorePasswordSecretRef?: SecretKeyRefInput;
  pkcs12Profile: "LegacyRC2" | "LegacyDES" | "Modern2023";
}

export type ServingCertificate = ServiceCaCertificate | ManagedCertificate;

export interface WorkloadRef {
  kind: "Deployment" | "StatefulSet" | "DaemonSet";
  name: string;
  path: PolicyPath;
}

/** The pods behind a service (`services[].workload`), owned by other manifests: patched, never emitted. */
export interface Workload extends WorkloadRef {
  /** The container that terminates TLS and calls other services. */
  container?: string;
  /** Its identity in a mesh. */
  serviceAccount?: string;
}

/** A declared call into a service (`services[].callers`), resolved to a service of the policy. */
export interface CallerRef {
  namespace: string;
  name: string;
  path: PolicyPath;
}

export interface Service {
  name: string;
  namespace: string;
  path: PolicyPath;
  port: number;
  /** The pod's port behind `port`: a number, or the name of a container port. */
  targetPort: number | string;
  /** The Service port's name; a Route names it to pick the port (openshift/router `endpointsForAlias`). */
  portName: string;
  /** True when the policy wrote `portName` (the name of a Service it does not own is known only then). */
  portNameChosen: boolean;
  /** When present the policy owns the Service and the compiler emits it whole. */
  selector?: Readonly<Record<string, string>>;
  exposure: Exposure;
  host?: string;
  /** `<name>`, `<name>.<ns>`, `<name>.<ns>.svc`, `<name>.<ns>.svc.cluster.local`, plus the headless wildcard. */
  serviceDnsNames: readonly string[];
  /** The certificate the pod presents; absent for an edge-only (external) service that asked for none. */
  certificate?: ServingCertificate;
  /** The certificate the router presents (reencrypt, external); absent: the router's default certificate. */
  routeCertificate?: ManagedCertificate;
  route?: { name: string; insecureEdgeTerminationPolicy: "Redirect" | "Allow" | "None"; path?: string };
  reloadOnRotation: readonly WorkloadRef[];
  workload?: Workload;
  /** `certificate.mountPath`: where the serving certificate's Secret is mounted in `workload.container`. */
  certificateMount?: { mountPath: string; path: PolicyPath };
  /** Services of the policy that call this one (resolved, deduplicated, sorted). */
  callers: readonly CallerRef[];
  mtls?: { mode: MtlsMode; path: PolicyPath };
  headless: boolean;
  calledFromOutsideMesh: boolean;
}

export interface CaBundle {
  kind: "ConfigMap" | "APIService" | "CustomResourceDefinition" | "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";
  name: string;
  namespace?: string;
  /** ConfigMap owned elsewhere: annotate through a patch. */
  existing: boolean;
  path: PolicyPath;
}

export interface Knative {
  path: PolicyPath;
  namespace: string;
  name: string;
  owned: boolean;
  clusterLocalDomainTLS: boolean;
  systemInternalTLS: boolean;
  externalDomainTLS: boolean;
  issuers: { clusterLocal?: string; systemInternal?: string; external?: string };
  trustBundle?: { name: string; authorities: readonly string[]; namespaces: readonly string[]; path: PolicyPath };
}

export type { TlsPolicyInput } from "../tls/policy-input.js";

/** The normalized policy: every default applied, every reference resolved. Targets read only this. */
export interface Model {
  name: string;
  /** The policy file as given on the command line (for headers and diagnostics). */
  file: string;
  platform: {
    openshift: { major: number; minor: number };
    /** `certificateAuthority`: the authority used as the mesh plug-in CA (cacerts), if any. */
    mesh: { flavor: MeshFlavor; namespace: string; controlPlane: string; version?: string; certificateAuthority?: string; owned: boolean; membership: boolean; trustDomain: string; path: PolicyPath };
    certManagerNamespace: string;
    routeCertificates: RouteCertificates;
    /** False when `routeCertificates` is the version default rather than the policy's choice. */
    routeCertificatesChosen: boolean;
    reloader: boolean;
  };
  tls: import("../tls/policy-input.js").TlsPolicyInput;
  /** The TLS policy resolved against the profile and the mesh flavor; absent when it has errors. */
  tlsResolved?: import("../tls/resolve.js").ResolvedTls;
  mtls?: { mode: MtlsMode; path: PolicyPath; namespaces: readonly { namespace: string; mode: MtlsMode; path: PolicyPath }[] };
  authorities: readonly Authority[];
  issuers: readonly Issuer[];
  services: readonly Service[];
  caBundles: readonly CaBundle[];
  knative?: Knative;
  rotation?: { authority: string; next: string; phase: "trust-both" | "issue-new" | "drop-old"; path: PolicyPath };
  output: { layout: "by-namespace" | "by-target"; syncWaves: boolean; secrets: OutputSecrets; sealedSecrets?: SealedSecretsSettings };
}

/** True for a cert-manager certificate, false for a Service CA one (or none). */
export function isManaged(cert: ServingCertificate | undefined): cert is ManagedCertificate {
  return cert !== undefined && "issuerRef" in cert;
}
