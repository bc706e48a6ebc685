/** The body of the starter policy; `$schema=` is completed by starterPolicy(). */
const STARTER_BODY = `# yaml-language-server: $schema=
# mesh-security policy: check with \`npx mesh-security validate\`, compile with \`npx mesh-security compile -o manifests\`.
apiVersion: mesh-security/v1alpha1
kind: MeshSecurityPolicy
metadata:
  name: my-app                    # used in labels and generated names

platform:
  openshift: "4.19"
  # serviceMesh: { flavor: maistra-v2, namespace: istio-system, controlPlane: basic }

tls:
  profile: intermediate           # modern | intermediate | old | custom (Mozilla Server Side TLS 5.8)

# issuers:                        # cert-manager issuers; "service-ca" is built in
#   internal:
#     ca: { authority: internal }
# authorities:
#   internal:
#     generate: { keyAlgorithm: ECDSA-P256, subject: "CN=my-app internal CA", validityDays: 790 }

services:
  - name: api
    namespace: my-app
    port: 8443
    selector: { app: api }        # the compiler owns (emits) the Service when a selector is given
    exposure: internal            # internal | passthrough | reencrypt | external
    # certificate: { issuer: internal }   # default: the OpenShift Service CA

caBundles:
  - { kind: ConfigMap, name: service-ca-bundle, namespace: my-app }
`;

/** Where `$schema` points in the layout the README installs into (the package in ./node_modules). */
export const INSTALLED_SCHEMA_REF = "./node_modules/mesh-security/schemas/mesh-security.schema.json";

/** The policy `mesh-security init` writes, with its `$schema` reference; every line compiles as written. */
export function starterPolicy(schemaRef: string = INSTALLED_SCHEMA_REF): string {
  return STARTER_BODY.replace("$schema=", () => `$schema=${schemaRef}`);
}

/** The starter in the installed layout; commented lines show options. */
export const STARTER_POLICY = starterPolicy();
