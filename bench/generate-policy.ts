/** A policy with `count` services mixing every exposure, issuer kind, mesh and Knative setting. */
export function generatePolicy(count: number): string {
  const lines = [
    "apiVersion: mesh-security/v1alpha1",
    "kind: MeshSecurityPolicy",
    "metadata:",
    "  name: bench",
    "platform:",
    '  openshift: "4.19"',
    "  serviceMesh: { flavor: maistra-v2, namespace: istio-system, controlPlane: basic }",
    "  reloader: true",
    "tls:",
    "  profile: intermediate",
    "mtls:",
    "  mode: PERMISSIVE",
    "  namespaces:",
  ];
  const namespaces = Math.max(1, Math.ceil(count / 20));
  for (let n = 0; n < namespaces; n++) lines.push(`    ns-${n}: ${n % 3 === 0 ? "STRICT" : "PERMISSIVE"}`);
  lines.push(
    "authorities:",
    "  corp:",
    "    existingSecret: { name: corp-ca, namespace: cert-manager }",
    "issuers:",
    "  internal:",
    "    ca: { authority: corp }",
    "  public:",
    "    acme:",
    "      email: ops@example.com",
    "      solver:",
    "        dns01:",
    "          route53: { region: us-east-1 }",
    "services:",
  );
  for (let i = 0; i < count; i++) {
    const ns = `ns-${i % namespaces}`;
    const name = `svc-${i}`;
    const kind = i % 4;
    lines.push(`  - name: ${name}`, `    namespace: ${ns}`, "    port: 8443");
    if (i % 2 === 0) lines.push(`    selector: { app: ${name} }`);
    if (kind === 0) continue; // internal on the Service CA
    if (kind === 1) lines.push("    certificate: { issuer: internal, keystores: [pkcs12], keystorePasswordSecretRef: { name: ks, key: password } }", `    reloadOnRotation: [deployment/${name}]`);
    if (kind === 2) lines.push("    exposure: passthrough", `    host: ${name}.apps.example.com`, "    certificate: { issuer: internal }");
    if (kind === 3) lines.push("    exposure: reencrypt", `    host: ${name}.apps.example.com`, "    routeCertificate: { issuer: public }");
  }
  lines.push("caBundles:", `  - { kind: ConfigMap, name: service-ca-bundle, namespace: ns-0 }`);
  return lines.join("\n") + "\n";
}
