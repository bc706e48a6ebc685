/** The policy `mesh-security init` writes: every line compiles as written; commented lines show options. */
export const STARTER_POLICY = `# yaml-language-server: $schema=./node_modules/mesh-security/schemas/mesh-security.schema.json
# mesh-security policy: compile with \`mesh-security compile -o manifests\`.
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
