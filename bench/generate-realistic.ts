/**
 * A policy with `count` services as a platform team would write it for a mesh: STRICT mTLS mesh-wide,
 * most services exposed through Routes (each one a warning: the router is outside the mesh), Reloader,
 * Java keystores, CA issuers backed by a generated and an existing authority, an ACME issuer.
 * This is the warning-heavy case (about 3 warnings per 4 services).
 */
export function generateRealisticPolicy(count: number): string {
  const lines = [
    "apiVersion: mesh-security/v1alpha1",
    "kind: MeshSecurityPolicy",
    "metadata:",
    "  name: realistic",
    "platform:",
    '  openshift: "4.19"',
    "  serviceMesh: { flavor: maistra-v2, namespace: istio-system, controlPlane: basic }",
    "  routeCertificates: cert-utils",
    "  reloader: true",
    "tls:",
    "  profile: intermediate",
    "mtls:",
    "  mode: STRICT",
    "authorities:",
    "  internal:",
    "    generate: { keyAlgorithm: ECDSA-P256, subject: \"CN=realistic internal root CA,O=Example\", validityDays: 790, intermediate: true }",
    "  corp:",
    "    existingSecret: { name: corp-ca, namespace: cert-manager }",
    "issuers:",
    "  internal:",
    "    ca: { authority: internal }",
    "  corp:",
    "    ca: { authority: corp }",
    "  public:",
    "    acme:",
    "      server: production",
    "      email: ops@example.com",
    "      solver:",
    "        dns01:",
    "          route53:",
    "            region: us-east-1",
    "            hostedZoneID: Z0123456789",
    "            accessKeyIDSecretRef: { name: route53-credentials, key: access-key-id }",
    "            secretAccessKeySecretRef: { name: route53-credentials, key: secret-access-key }",
    "services:",
  ];
  const namespaces = Math.max(1, Math.ceil(count / 25));
  for (let i = 0; i < count; i++) {
    const ns = `team-${i % namespaces}`;
    const name = `app-${i}`;
    const kind = i % 4;
    const issuer = i % 8 < 4 ? "internal" : "corp";
    lines.push(`  - name: ${name}`, `    namespace: ${ns}`, "    port: 8443", `    selector: { app: ${name} }`);
    lines.push(`    certificate: { issuer: ${issuer}, keystores: [pkcs12], keystorePasswordSecretRef: { name: ${name}-keystore, key: password } }`);
    lines.push(`    reloadOnRotation: [deployment/${name}]`);
    if (kind === 0) continue; // cluster-internal
    lines.push(`    host: ${name}.apps.example.com`);
    if (kind === 1) lines.push("    exposure: passthrough");
    if (kind === 2) lines.push("    exposure: reencrypt", "    routeCertificate: { issuer: public }");
    if (kind === 3) lines.push("    exposure: external", "    routeCertificate: { issuer: public }");
  }
  return lines.join("\n") + "\n";
}
