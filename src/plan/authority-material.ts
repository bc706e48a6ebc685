/**
 * CA material as targets and the material stage see it: shared by src/targets/ (which plan from it)
 * and src/material/ (which reads it from the state directory), so neither imports the other for it.
 */

/** Public (and, when loaded for secrets, private) CA material of one authority, read from the state directory. */
export interface AuthorityMaterialView {
  name: string;
  rootCertPem: string;
  caCertPem: string;
  certChainPem: string;
  caKeyPem?: string;
  rootKeyPem?: string;
  /** The certificates are here but the keys are not (a clone): Secrets with keys cannot be written. */
  keysAbsent?: boolean;
}

/**
 * The label Knative Serving looks for on trust-bundle ConfigMaps (knative.dev/networking,
 * pkg/certificates): the knative target writes it, and the rotation steps find by it the roots
 * already distributed in the previous output.
 */
export const TRUST_BUNDLE_LABEL = "networking.knative.dev/trust-bundle";
