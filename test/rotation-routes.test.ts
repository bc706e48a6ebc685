import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileText, HEADER, objects } from "./helpers/policy.js";

// cert-utils copies ca.crt of the Secret named by destinationCA-from-secret into the Route's
// destinationCACertificate (redhat-cop/cert-utils-operator controllers/route/route_controller.go,
// populateRouteDestCA). The pod's own Secret holds only the root that signed it, so at issue-new the router
// would trust only the new root while pods still present the old chain. During trust-both and issue-new the
// Route reads a Secret the compiler writes with both roots; drop-old goes back to the pod's Secret.
type Obj = Record<string, unknown>;
const ANNOTATION = "cert-utils-operator.redhat-cop.io/destinationCA-from-secret";
const gen = (cn: string): string => `{ generate: { keyAlgorithm: ECDSA-P256, subject: "CN=${cn}", validityDays: 365 } }`;
const policy = (phase: string): string =>
  `${HEADER}platform: { openshift: "4.16", routeCertificates: cert-utils }\nauthorities:\n  internal: ${gen("old")}\n  internal-2027: ${gen("new")}\nissuers:\n  internal: { ca: { authority: internal } }\n` +
  `rotation: { authority: internal, next: internal-2027, phase: ${phase} }\nservices:\n  - { name: api, namespace: shop, exposure: reencrypt, host: api.apps.example.com, certificate: { issuer: internal } }\n`;

const compilePhase = async (phase: string) => {
  // Each phase compiled on its own (no rotation record): past trust-both that needs the override (MS2313).
  const result = await compileText(policy(phase), { missingMaterial: "generate", allowUnsafeRotation: phase !== "trust-both" });
  const out = objects(result);
  const route = out.get("shop/route-api.yaml");
  const annotations = ((route?.["metadata"] as Obj | undefined)?.["annotations"] ?? {}) as Record<string, string>;
  const secret = out.get("shop/secret-api-destination-ca.yaml");
  const data = (secret?.["data"] ?? {}) as Record<string, string>;
  const roots = data["ca.crt"] ? Buffer.from(data["ca.crt"], "base64").toString("utf8").match(/BEGIN CERTIFICATE/g)?.length ?? 0 : 0;
  return { result, annotation: annotations[ANNOTATION], secret, roots, codes: result.diagnostics.map((d) => d.code).filter((c) => c !== "MS2313") };
};

const cases: Array<[string, { annotation: string; roots: number }]> = [
  ["trust-both", { annotation: "api-destination-ca", roots: 2 }],
  ["issue-new", { annotation: "api-destination-ca", roots: 2 }],
  ["drop-old", { annotation: "api-tls", roots: 0 }],
];

for (const [phase, want] of cases) {
  test(`cert-utils reencrypt Route during ${phase}: destinationCA-from-secret reads ${want.annotation} (${want.roots} roots)`, async () => {
    const got = await compilePhase(phase);
    assert.is(got.annotation, want.annotation);
    assert.is(got.roots, want.roots);
    if (want.roots > 0) {
      assert.is(got.secret?.["type"], "Opaque");
      assert.is(((got.secret?.["metadata"] as Obj)["annotations"] as Record<string, string>)["argocd.argoproj.io/sync-wave"], "-10");
      // The Route is no longer among the readers of a one-root ca.crt.
      const ms2311 = got.result.diagnostics.find((d) => d.code === "MS2311");
      assert.not.match(ms2311?.message ?? "", /Route shop\/api/);
    }
  });
}

test("without the roots' certificates at hand the Route is named under MS2311 with the fix", async () => {
  const text = `${HEADER}platform: { openshift: "4.16", routeCertificates: cert-utils }\nauthorities:\n  internal: { existingSecret: { name: internal-ca, namespace: cert-manager } }\n  internal-2027: { existingSecret: { name: internal-2027-ca, namespace: cert-manager } }\nissuers:\n  internal: { ca: { authority: internal } }\n` +
    `rotation: { authority: internal, next: internal-2027, phase: trust-both }\nservices:\n  - { name: api, namespace: shop, exposure: reencrypt, host: api.apps.example.com, certificate: { issuer: internal } }\n`;
  const result = await compileText(text);
  const ms2311 = result.diagnostics.find((d) => d.code === "MS2311");
  assert.ok(ms2311, result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  assert.match(ms2311.message, /read by Route shop\/api \(cert-utils destinationCA-from-secret reads ca\.crt of Secret shop\/api-tls\)/);
  assert.match(ms2311.hint ?? "", /spec\.tls\.destinationCACertificate with both roots/);
  assert.not.ok(objects(result).has("shop/secret-api-destination-ca.yaml"));
});

test.run();
