/**
 * The policy as it stands after schema validation with defaults applied
 * (schemas/mesh-security.schema.json). Only normalize reads this shape.
 */
import type { Curve, TlsVersion } from "../tls/policy-input.js";

export type { Curve, TlsVersion } from "../tls/policy-input.js";
export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE";
export type MeshFlavor = "none" | "maistra-v1" | "maistra-v2" | "sail";
export type Exposure = "internal" | "passthrough" | "reencrypt" | "external";
export type KeyAlgorithm = "ECDSA-P256" | "ECDSA-P384" | "RSA-2048" | "RSA-3072" | "RSA-4096";

export interface SecretKeyRefInput {
  name: string;
  key: string;
}

export interface PrivateKeyInput {
  algorithm?: "RSA" | "ECDSA" | "Ed25519";
  size?: number;
}

export interface CertificateInput {
  issuer?: string;
  secretName?: string;
  duration?: string;
  renewBefore?: string;
  privateKey?: PrivateKeyInput;
  usages?: string[];
  keystores?: Array<"jks" | "pkcs12">;
  keystorePasswordSecretRef?: SecretKeyRefInput;
  pkcs12Profile?: "LegacyRC2" | "LegacyDES" | "Modern2023";
  additionalDNSNames?: string[];
  mountPath?: string;
}

export interface ServiceInput {
  name: string;
  namespace: string;
  port: number;
  targetPort?: number | string;
  portName?: string;
  selector?: Record<string, string>;
  exposure: Exposure;
  host?: string;
  certificate?: CertificateInput;
  routeCertificate?: CertificateInput;
  route?: { name?: string; insecureEdgeTerminationPolicy?: "Redirect" | "Allow" | "None"; path?: string };
  reloadOnRotation?: string[];
  workload?: { kind: "Deployment" | "StatefulSet" | "DaemonSet"; name: string; container?: string; serviceAccount?: string };
  callers?: string[];
  mtls?: MtlsMode;
  headless: boolean;
  calledFromOutsideMesh: boolean;
}

export interface AcmeSolverInput {
  http01?: { ingressClass?: string };
  dns01?: {
    route53?: { region: string; hostedZoneID?: string; role?: string; accessKeyIDSecretRef?: SecretKeyRefInput; secretAccessKeySecretRef?: SecretKeyRefInput };
    cloudflare?: { email?: string; apiTokenSecretRef?: SecretKeyRefInput; apiKeySecretRef?: SecretKeyRefInput };
    azureDNS?: {
      subscriptionID: string;
      resourceGroupName: string;
      hostedZoneName?: string;
      environment?: string;
      tenantID?: string;
      clientID?: string;
      clientSecretSecretRef?: SecretKeyRefInput;
      managedIdentity?: { clientID?: string; resourceID?: string };
    };
    rfc2136?: { nameserver: string; tsigKeyName?: string; tsigAlgorithm?: string; tsigSecretSecretRef?: SecretKeyRefInput };
  };
}

export interface IssuerInput {
  namespace?: string;
  ca?: { authority: string };
  selfSigned?: Record<string, never>;
  acme?: { server: string; email: string; privateKeySecretRef?: { name: string }; solver: AcmeSolverInput };
}

export interface AuthorityInput {
  generate?: { keyAlgorithm: KeyAlgorithm; subject: string; validityDays: number; intermediate: boolean; intermediateValidityDays?: number };
  existingSecret?: { name: string; namespace: string };
  certManager?: { issuer: string; commonName?: string; keyAlgorithm: KeyAlgorithm; duration?: string };
}

export interface CaBundleInput {
  kind: "ConfigMap" | "APIService" | "CustomResourceDefinition" | "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";
  name: string;
  namespace?: string;
  existing: boolean;
}

export interface KnativeInput {
  namespace: string;
  name: string;
  owned: boolean;
  clusterLocalDomainTLS: boolean;
  systemInternalTLS: boolean;
  externalDomainTLS: boolean;
  issuers?: { clusterLocal?: string; systemInternal?: string; external?: string };
  trustBundle?: { name: string; authorities: string[]; namespaces: string[] };
}

/** How a router certificate reaches its Route (`platform.routeCertificates`). */
export type RouteCertificates = "cert-utils" | "external-certificate" | "cert-manager-routes";

export interface PolicyInput {
  apiVersion: "mesh-security/v1alpha1";
  kind: "MeshSecurityPolicy";
  metadata: { name: string };
  platform: {
    openshift: string;
    serviceMesh: { flavor: MeshFlavor; namespace: string; controlPlane: string; version?: string; certificateAuthority?: string; owned: boolean; membership: boolean; trustDomain: string };
    certManager: { namespace: string };
    routeCertificates?: RouteCertificates;
    reloader: boolean;
  };
  tls: { profile: "modern" | "intermediate" | "old" | "custom"; minVersion?: TlsVersion; maxVersion?: TlsVersion; cipherSuites?: string[]; ecdhCurves?: Curve[] };
  mtls?: { mode: MtlsMode; namespaces?: Record<string, MtlsMode> };
  authorities?: Record<string, AuthorityInput>;
  issuers?: Record<string, IssuerInput>;
  services?: ServiceInput[];
  caBundles?: CaBundleInput[];
  knative?: KnativeInput;
  rotation?: { authority: string; next: string; phase: "trust-both" | "issue-new" | "drop-old" };
  output: { layout: "by-namespace" | "by-target"; syncWaves: boolean; secrets: OutputSecrets; sealedSecrets?: SealedSecretsSettings };
}

/** Where Secrets holding private keys go (`output.secrets`). */
export type OutputSecrets = "separate" | "inline" | "none" | "sealed";

/** `output.sealedSecrets`: the sealed-secrets controller to encrypt for. */
export interface SealedSecretsSettings {
  /** The controller's certificate, relative to the policy file. */
  certificate: string;
  scope: "strict" | "namespace-wide" | "cluster-wide";
}
