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
  MS2017: { severity: "error", title: "CA bootstrap issuer is not a self-signed ClusterIssuer", summary: "An authority made by cert-manager (`certManager:`) names an issuer that is not a `selfSigned` ClusterIssuer.", fix: "Point `certManager.issuer` at an issuer declared with `selfSigned: {}` and no namespace." },
  MS2013: { severity: "error", title: "namespace on a cluster-scoped object", summary: "A `caBundles` entry for a cluster-scoped kind carries a namespace, or a ConfigMap entry lacks one.", fix: "Give ConfigMaps a namespace; drop it from APIService, CRD and webhook configurations." },

  // ---- 21xx cert-manager, routes, reloader (issue 3) ----
  MS2101: { severity: "error", title: "ACME issuer asked for cluster-internal names", summary: "A certificate from an ACME issuer (such as Let's Encrypt) carries service or cluster-local names (`<svc>.<ns>.svc`, `*.cluster.local`, single labels). The ACME server validates every name from the internet, so the order can never complete; a serving certificate always carries the service names.", fix: "Issue the pod's serving certificate from a `ca` issuer (or the Service CA) and put the ACME issuer on `routeCertificate` with exposure reencrypt or external." },
  MS2102: { severity: "error", title: "ACME HTTP-01 cannot validate a wildcard", summary: "A certificate with a wildcard name (`*.example.com`) is asked of an ACME issuer whose solver is `http01`; ACME servers only validate wildcards through DNS-01.", fix: "Give the issuer a `dns01` solver, or use a host without `*.`." },
  MS2103: { severity: "warning", title: "ACME staging server", summary: "The ACME issuer uses the Let's Encrypt staging directory, whose certificates no browser or client trusts.", fix: "Use `server: production` once the issuer works." },
  MS2104: { severity: "error", title: "keystore without password reference", summary: "`keystores` is set but `keystorePasswordSecretRef` is not. cert-manager encrypts PKCS#12 and JKS keystores with a password it must read from a Secret; the compiler never writes a literal password into a manifest.", fix: "Add `keystorePasswordSecretRef: { name, key }` pointing at a Secret in the service's namespace." },
  MS2105: { severity: "warning", title: "keystore password without keystores", summary: "`keystorePasswordSecretRef` is set but no `keystores` are requested, so the password is never used.", fix: "Add `keystores: [pkcs12]` (or jks), or remove the password reference." },
  MS2106: { severity: "error", title: "CA secret outside the issuer's namespace", summary: "A ClusterIssuer reads its CA Secret only from cert-manager's cluster resource namespace (`platform.certManager.namespace`), and a namespaced Issuer only from its own namespace; the authority's `existingSecret` lives elsewhere.", fix: "Move (or copy) the CA Secret into the namespace the message names, or change the issuer's scope with `namespace:`." },
  MS2107: { severity: "error", title: "externalCertificate with passthrough", summary: "`routeCertificates: external-certificate` and a passthrough service with `routeCertificate`: the router does not terminate passthrough TLS, and the Route API rejects `spec.tls.externalCertificate` on a passthrough Route.", fix: "Remove `routeCertificate` (the pod's `certificate` is what clients see), or use exposure reencrypt." },
  MS2108: { severity: "error", title: "externalCertificate before OpenShift 4.19", summary: "Route `spec.tls.externalCertificate` is generally available from OpenShift 4.19 (Technology Preview behind a feature gate in 4.16 to 4.18, absent before).", fix: "Set `platform.openshift` to 4.19 or later if the cluster runs it, or use `routeCertificates: cert-utils`." },
  MS2109: { severity: "error", title: "passthrough Route allowing plain HTTP", summary: "`insecureEdgeTerminationPolicy: Allow` on a passthrough Route: the router cannot serve plain HTTP for a backend that terminates TLS itself, and the Route API accepts only None or Redirect there.", fix: "Use `Redirect` (the default) or `None`." },
  MS2110: { severity: "warning", title: "router cannot verify the pod certificate", summary: "A reencrypt Route to a pod whose certificate comes from a cert-manager issuer, without a destination CA: the router trusts only the Service CA for backends by default, so the connection to the pod fails (HTTP 503). With `routeCertificates: cert-utils` the compiler wires `destinationCA-from-secret`; otherwise it can embed the CA only when it holds the authority's certificate.", fix: "Use `routeCertificates: cert-utils`, issue the serving certificate from the Service CA, or add `spec.tls.destinationCACertificate` to the Route in an overlay." },
  MS2111: { severity: "warning", title: "reloadOnRotation without Reloader", summary: "`reloadOnRotation` is set but `platform.reloader` is false, so no Reloader annotations are generated and the workloads keep serving the old certificate until they restart.", fix: "Set `platform.reloader: true` once Stakater Reloader runs on the cluster, or remove `reloadOnRotation`." },
  MS2112: { severity: "error", title: "namespaced Issuer used from another namespace", summary: "A certificate in one namespace names an issuer declared with `namespace:` (a namespaced cert-manager Issuer) in another; an Issuer only signs Certificates in its own namespace.", fix: "Drop `namespace:` from the issuer to make it a ClusterIssuer, or declare an issuer in the certificate's namespace." },
  MS2113: { severity: "error", title: "incomplete DNS-01 credentials", summary: "A DNS-01 solver's credentials are half set: Route 53 needs both access key references or neither (ambient credentials); Cloudflare needs `email` with an API key; Azure DNS needs `clientID`, `tenantID` and `clientSecretSecretRef` together, and not with `managedIdentity`.", fix: "Complete the credentials the message names, or remove them all to use ambient credentials." },
  MS2114: { severity: "warning", title: "ambient credentials on a namespaced Issuer", summary: "A namespaced Issuer's DNS-01 solver has no credential references, so it relies on ambient credentials (instance role, workload identity), which cert-manager only grants to ClusterIssuers unless its controller runs with `--issuer-ambient-credentials`.", fix: "Reference the credentials Secret, make the issuer a ClusterIssuer, or enable `--issuer-ambient-credentials`." },
  MS2115: { severity: "error", title: "path on a passthrough Route", summary: "`route.path` is set on a passthrough service; the router cannot see the request path of TLS it does not terminate, and the Route API rejects it.", fix: "Remove `route.path`, or use exposure reencrypt." },
  MS2116: { severity: "error", title: "key algorithm not supported by openshift-routes", summary: "With `routeCertificates: cert-manager-routes` the router certificate's key is generated by cert-manager's openshift-routes controller, which supports only RSA and ECDSA.", fix: "Use `privateKey.algorithm: ECDSA` or `RSA` for the route certificate." },

  // ---- 22xx service mesh and TLS (issue 4) ----

  MS2250: { severity: "warning", title: "mTLS without a mesh", summary: "`mtls` is set but `platform.serviceMesh.flavor` is none, so no mesh resource enforces it.", fix: "Set `platform.serviceMesh.flavor`, or remove `mtls`." },
  MS2251: { severity: "error", title: "per-workload mTLS without a selector", summary: "A service sets `mtls`, but without `selector` the compiler cannot target its pods.", fix: "Add the service's `selector`, or set the mode for the namespace under `mtls.namespaces`." },
  MS2252: { severity: "warning", title: "STRICT mTLS for a service called from outside the mesh", summary: "A service marked `calledFromOutsideMesh` would accept only mTLS, so its callers outside the mesh are refused.", fix: "Set `mtls: PERMISSIVE` on the service until its callers join the mesh." },
  MS2253: { severity: "warning", title: "Route to a STRICT mTLS workload", summary: "The OpenShift router is outside the mesh; a Route to pods that accept only mTLS fails.", fix: "Set `mtls: PERMISSIVE` on the service: its port is then excepted from STRICT." },
  MS2254: { severity: "warning", title: "DISABLE straight to STRICT", summary: "Compared with the previous output, a namespace goes from mTLS DISABLE to STRICT, which breaks traffic while proxies pick up the change.", fix: "Compile and roll out PERMISSIVE first, then STRICT." },
  MS2255: { severity: "error", title: "override for the control plane namespace", summary: "The policy named default in the control plane namespace is the mesh-wide one; it cannot also be a namespace override.", fix: "Set `mtls.mode` instead." },

  // ---- 23xx CA material rules (issue 5) ----

  // ---- 24xx Knative (issue 6) ----
  MS2401: { severity: "error", title: "ACME issuer for Knative internal TLS", summary: "Cluster-local or system-internal TLS names an ACME issuer; those names (svc.cluster.local, kn-routing, data-plane.knative.dev) cannot pass an ACME challenge.", fix: "Use a `ca` issuer backed by an authority." },
  MS2402: { severity: "warning", title: "Knative encryption with Service Mesh", summary: "Knative Serving transport encryption is enabled while a service mesh flavor is set; on OpenShift Serverless it works with Kourier only.", fix: "With Service Mesh, leave the Knative TLS flags off and rely on the mesh's mTLS." },
  MS2403: { severity: "error", title: "system-internal TLS without a CA", summary: "System-internal TLS names a selfSigned issuer: components verify each other against a CA bundle, and a self-signed certificate has no CA behind it.", fix: "Use a `ca` issuer and list its authority in `knative.trustBundle.authorities`." },
  MS2404: { severity: "error", title: "Knative feature without an issuer", summary: "A Knative TLS feature is enabled but `knative.issuers` names no issuer for it.", fix: "Set the issuer for the feature under `knative.issuers`." },
  MS2405: { severity: "warning", title: "system-internal TLS without a trust bundle", summary: "System-internal TLS is enabled but no trust bundle is declared, so Knative components will not trust the issuing CA.", fix: "Add `knative.trustBundle.authorities`." },
  MS2406: { severity: "error", title: "namespaced issuer for Knative", summary: "Knative requests certificates in every namespace with Knative Services; a namespaced Issuer signs only in its own.", fix: "Use a ClusterIssuer (drop `namespace` from the issuer)." },
  MS2407: { severity: "error", title: "trust bundle source outside trust-manager's namespace", summary: "trust-manager reads Secrets only from its trust namespace (cert-manager's by default), but the authority's CA Secret lives elsewhere.", fix: "Keep the CA Secret in cert-manager's namespace." },

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
