/**
 * The closed set of diagnostic codes. A code is never reused or renumbered; each has one severity.
 * Ranges: 1xxx load and schema, 2xxx semantic rules (20xx core, 21xx cert-manager and routes,
 * 22xx mesh and TLS, 23xx CA material rules, 24xx Knative), 3xxx CA material, 4xxx output.
 * `summary` says what triggers it and `fix` how to resolve it: docs/diagnostics.md is generated from them.
 */
export interface CodeInfo {
  severity: "error" | "warning";
  title: string;
  summary: string;
  fix: string;
}

export const CODES = {
  // ---- 1xxx load and schema ----
  MS1001: { severity: "error", title: "YAML syntax error", summary: "The policy file is not well-formed YAML.", fix: "Fix the YAML syntax at the position shown." },
  MS1002: { severity: "error", title: "unknown key", summary: "A key that the v1alpha1 policy format does not define (often a typo).", fix: "Remove the key or correct its spelling; the hint suggests the closest known key." },
  MS1003: { severity: "error", title: "missing required key", summary: "A key that must be present is absent.", fix: "Add the key shown." },
  MS1004: { severity: "error", title: "wrong type", summary: "A value has the wrong type (for example a list where a map is expected, or a string where a number is expected).", fix: "Write a value of the expected type." },
  MS1005: { severity: "error", title: "value not allowed", summary: "A value is not one of the values this field accepts.", fix: "Use one of the listed values; the hint suggests the closest one." },
  MS1006: { severity: "error", title: "invalid value format", summary: "A value does not match the required format (DNS-1123 name, duration, host name, e-mail, URL, ...).", fix: "Rewrite the value in the format the message names." },
  MS1007: { severity: "error", title: "value out of range", summary: "A number, string or list is too small, too large, too short or too long, or a list holds duplicates.", fix: "Bring the value within the bounds the message names." },
  MS1008: { severity: "error", title: "conflicting keys", summary: "Keys that exclude each other are set together, or none of a required choice is set.", fix: "Keep exactly one of the alternatives the message lists." },
  MS1009: { severity: "error", title: "policy file too large", summary: "The policy file exceeds the size limit (8 MiB), which no real policy reaches.", fix: "Split or shrink the file; check that it is the right file." },
  MS1010: { severity: "error", title: "YAML alias expansion too large", summary: "Anchors and aliases expand to more nodes than allowed (an alias bomb).", fix: "Write the values out, or use fewer nested aliases." },
  MS1011: { severity: "error", title: "unsupported YAML feature", summary: "A custom YAML tag, a non-string map key, or more than one document in the policy file.", fix: "Use plain YAML: string keys, no custom tags, one document." },
  MS1012: { severity: "error", title: "cannot read policy file", summary: "The policy file does not exist or cannot be read.", fix: "Check the path given on the command line (default ./mesh-security.yaml)." },
  MS1013: { severity: "error", title: "wrong apiVersion or kind", summary: "The file is not a mesh-security/v1alpha1 MeshSecurityPolicy.", fix: "Start the file with `apiVersion: mesh-security/v1alpha1` and `kind: MeshSecurityPolicy`." },
  MS1014: { severity: "error", title: "nesting too deep", summary: "The document nests collections deeper than any policy needs (limit 64).", fix: "Flatten the structure." },

  // ---- 20xx core semantic rules ----
  MS2001: { severity: "error", title: "duplicate service", summary: "Two services share the same name and namespace.", fix: "Rename one of them or merge the entries." },
  MS2002: { severity: "error", title: "duplicate secret name", summary: "Two certificates (or a certificate and a CA secret) would write the same Secret in the same namespace.", fix: "Set a distinct `secretName`." },
  MS2003: { severity: "error", title: "undeclared issuer", summary: "A reference names an issuer that is neither declared under `issuers:` nor the built-in `service-ca`.", fix: "Declare the issuer or correct the name; the hint suggests the closest one." },
  MS2004: { severity: "error", title: "undeclared authority", summary: "A reference names an authority that is not declared under `authorities:`.", fix: "Declare the authority or correct the name; the hint suggests the closest one." },
  MS2005: { severity: "error", title: "host required", summary: "Exposure passthrough, reencrypt and external publish a Route, which needs `host`.", fix: "Add `host:` with the public host name, or use `exposure: internal`." },
  MS2006: { severity: "error", title: "service-ca cannot sign a route host", summary: "The OpenShift Service CA only signs `<svc>.<ns>.svc` names; it cannot put a route host into a certificate.", fix: "Use a cert-manager issuer (a `ca` issuer for passthrough, ACME for a public router certificate)." },
  MS2007: { severity: "warning", title: "headless service on service-ca", summary: "For a headless service the Service CA adds the wildcard SAN `*.<svc>.<ns>.svc`, so any pod of the service can impersonate any other.", fix: "Issue per-pod certificates from a cert-manager issuer, or accept the risk knowingly." },
  MS2008: { severity: "error", title: "inline secret material", summary: "The policy lives in Git and must never hold secrets: a private key, password or token was written inline.", fix: "Store the value in a Secret and reference it with a `*SecretRef: { name, key }`." },
  MS2009: { severity: "error", title: "host on an internal service", summary: "`host` is set on a service with `exposure: internal`, which publishes no Route.", fix: "Remove `host`, or choose an exposure that publishes a Route." },
  MS2010: { severity: "error", title: "duplicate CA bundle target", summary: "The same object is listed twice under `caBundles`.", fix: "Remove the duplicate entry." },
  MS2011: { severity: "warning", title: "inject-cabundle on an existing ConfigMap", summary: "The Service CA injector deletes every other key of an annotated ConfigMap.", fix: "Let the compiler own a dedicated ConfigMap (drop `existing: true`) and mount it next to your configuration." },
  MS2014: { severity: "error", title: "keystores from the Service CA", summary: "Keystores were asked of a service-ca certificate; the Service CA controller keeps only tls.crt and tls.key in its Secret and removes every other key.", fix: "Issue the certificate from a cert-manager issuer, which writes keystores through `spec.keystores`." },
  MS2015: { severity: "warning", title: "route certificate without effect", summary: "`routeCertificate` is set on an exposure whose router presents no certificate (internal, passthrough).", fix: "Remove `routeCertificate`; for passthrough the pod's certificate is what clients see." },
  MS2016: { severity: "error", title: "renewBefore not shorter than duration", summary: "A certificate's renewBefore is equal to or longer than its duration, so cert-manager would renew it continuously.", fix: "Make renewBefore shorter than duration (cert-manager's default is a third of it)." },
  MS2013: { severity: "error", title: "namespace on a cluster-scoped object", summary: "A `caBundles` entry for a cluster-scoped kind carries a namespace, or a ConfigMap entry lacks one.", fix: "Give ConfigMaps a namespace; drop it from APIService, CRD and webhook configurations." },

  // ---- 21xx cert-manager, routes, reloader (issue 3) ----

  // ---- 22xx service mesh and TLS (issue 4) ----

  // ---- 23xx CA material rules (issue 5) ----

  // ---- 24xx Knative (issue 6) ----

  // ---- 3xxx CA material ----

  // ---- 4xxx output ----
  MS4001: { severity: "error", title: "output directory not owned", summary: "The output directory is not empty and was not written by mesh-security (no marker file).", fix: "Choose an empty or new directory, or pass --force to take it over." },
  MS4002: { severity: "error", title: "path escapes the output directory", summary: "A generated path, or a symbolic link inside the output directory, would lead outside it.", fix: "Remove the symbolic link; report the name that produced the path." },
  MS4003: { severity: "error", title: "cannot write output", summary: "The output directory could not be written (permissions, disk full, ...). The previous output is unchanged.", fix: "Fix the file-system problem the message names and compile again." },
  MS4004: { severity: "error", title: "template error", summary: "A template failed to render, rendered invalid YAML, more than one document, or an object other than the one planned.", fix: "Fix the template named in the message (or drop --templates to use the built-in ones)." },
  MS4005: { severity: "error", title: "duplicate output object", summary: "Two planned objects would be written to the same file.", fix: "Rename one of the objects in the policy." },
  MS4006: { severity: "error", title: "template directory unusable", summary: "The directory given with --templates lacks a template the policy needs, or cannot be read.", fix: "Copy the built-in templates/ directory and edit the copy." },
} as const satisfies Record<string, CodeInfo>;

/** A stable diagnostic identifier: `MS` and four digits. */
export type DiagnosticCode = keyof typeof CODES;
