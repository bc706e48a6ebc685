import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Change } from "../src/diff/compare.js";
import { formatHtml } from "../src/diff/format-html.js";
import { formatMarkdown } from "../src/diff/format-markdown.js";
import { formatText } from "../src/diff/format-text.js";
import { diffSides, failsOn } from "../src/diff/report.js";
import { Renderer } from "../src/render/render.js";
import { DIFF_BASE, diffTexts, textSide } from "./helpers/diff.js";

const B = DIFF_BASE;
/** Replace exactly one occurrence, so a case cannot silently stop changing anything. */
const edit = (text: string, from: string, to: string): string => {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`not exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
};
const API_ROUTE = "    exposure: reencrypt\n    host: api.apps.example.com\n";
const DB = "    certificate: { issuer: internal }\n    workload: { kind: Deployment, name: db";

interface Want {
  /** The change's property (exact). */
  property: string;
  /** Where: the subject or path must contain this. */
  where: string;
  class: Change["class"];
}

// One (base, head) pair per property and direction of the classification table.
const CASES: Array<[string, string, string, Want]> = [
  ["mesh mTLS lowered", edit(B, "  mode: PERMISSIVE", "  mode: STRICT"), B, { property: "mtlsMode", where: "mesh", class: ["weakening"] }],
  ["namespace DISABLE → STRICT", B, edit(B, "    legacy: DISABLE", "    legacy: STRICT"), { property: "mtlsMode", where: "namespace legacy", class: ["strengthening", "disruptive"] }],
  ["namespace DISABLE → PERMISSIVE", B, edit(B, "    legacy: DISABLE", "    legacy: PERMISSIVE"), { property: "mtlsMode", where: "namespace legacy", class: ["strengthening"] }],
  ["mesh-wide STRICT over a namespace with a Route", B, edit(B, "  mode: PERMISSIVE", "  mode: STRICT"), { property: "mtlsMode", where: "namespace shop", class: ["strengthening", "disruptive"] }],
  ["STRICT on a routed service", B, edit(B, API_ROUTE, `${API_ROUTE}    mtls: STRICT\n`), { property: "mtlsMode", where: "service shop/api", class: ["strengthening", "disruptive"] }],
  ["STRICT on a service called from outside the mesh", B, edit(B, DB, `    calledFromOutsideMesh: true\n    mtls: STRICT\n${DB}`), { property: "mtlsMode", where: "service shop/db", class: ["strengthening", "disruptive"] }],
  ["router rule admits clients without identity", edit(B, "  mode: PERMISSIVE", "  mode: STRICT"), edit(edit(B, "  mode: PERMISSIVE", "  mode: STRICT"), DB, `    calledFromOutsideMesh: true\n    mtls: PERMISSIVE\n${DB}`), { property: "withoutIdentity", where: "service shop/db", class: ["weakening"] }],
  ["exposure widened", B, edit(B, DB, `    exposure: reencrypt\n    host: db.apps.example.com\n${DB}`), { property: "exposure", where: "service shop/db", class: ["weakening"] }],
  ["exposure narrowed", B, edit(B, API_ROUTE, ""), { property: "exposure", where: "service shop/api", class: ["strengthening"] }],
  ["new external path", B, edit(B, DB, `    exposure: passthrough\n    host: db.apps.example.com\n${DB}`), { property: "externalPath", where: "router (host db.apps.example.com)", class: ["weakening"] }],
  ["external path removed", B, edit(B, API_ROUTE, ""), { property: "externalPath", where: "router (host api.apps.example.com)", class: ["strengthening"] }],
  ["router hop loses encryption (reencrypt → edge)", B, edit(B, "    exposure: reencrypt\n", "    exposure: external\n"), { property: "encryption", where: "pods of Service shop/api", class: ["weakening"] }],
  ["router hop gains encryption (edge → reencrypt)", edit(B, "    exposure: reencrypt\n", "    exposure: external\n"), B, { property: "encryption", where: "pods of Service shop/api", class: ["strengthening"] }],
  ["router hop: who authenticates (reencrypt → passthrough)", B, edit(B, "    exposure: reencrypt\n", "    exposure: passthrough\n"), { property: "authentication", where: "pods of Service shop/api", class: ["neutral"] }],
  ["plain HTTP allowed", B, edit(B, API_ROUTE, `${API_ROUTE}    route: { insecureEdgeTerminationPolicy: Allow }\n`), { property: "plainHttp", where: "external clients → router (host api.apps.example.com)", class: ["weakening"] }],
  ["host renamed", B, edit(B, "host: api.apps.example.com", "host: shop-api.apps.example.com"), { property: "host", where: "service shop/api", class: ["neutral"] }],
  ["caller added", B, edit(B, "    callers: [api]\n", "    callers: [api, legacy/mainframe]\n"), { property: "callerPath", where: "Service legacy/mainframe → Service shop/db", class: ["weakening"] }],
  ["caller removed", B, edit(B, "    callers: [api]\n", ""), { property: "callerPath", where: "Service shop/api → Service shop/db", class: ["strengthening"] }],
  ["caller hop loses mTLS (no mesh)", B, edit(B, "serviceMesh: { flavor: maistra-v2, owned: true }", "serviceMesh: { flavor: none }"), { property: "encryption", where: "Service shop/api → Service shop/db", class: ["weakening"] }],
  ["minimum TLS version lowered", B, edit(B, "minVersion: TLSv1_2", "minVersion: TLSv1_1"), { property: "minVersion", where: "mesh", class: ["weakening"] }],
  ["maximum TLS version lowered", B, edit(B, "  minVersion: TLSv1_2\n", "  minVersion: TLSv1_2\n  maxVersion: TLSv1_2\n"), { property: "maxVersion", where: "mesh", class: ["weakening"] }],
  ["cipher suite added", B, edit(B, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]"), { property: "cipherSuite", where: "mesh", class: ["weakening"] }],
  ["cipher suite removed", edit(B, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]"), B, { property: "cipherSuite", where: "mesh", class: ["strengthening"] }],
  ["curve added", B, edit(B, "ecdhCurves: [X25519, CurveP256]", "ecdhCurves: [X25519, CurveP256, CurveP384]"), { property: "ecdhCurve", where: "mesh", class: ["weakening"] }],
  ["weaker CA key", B, edit(B, 'keyAlgorithm: ECDSA-P256, subject: "CN=shop internal CA"', 'keyAlgorithm: RSA-2048, subject: "CN=shop internal CA"'), { property: "keyAlgorithm (CA)", where: "authority internal", class: ["weakening"] }],
  ["stronger serving key", B, edit(B, DB, `    certificate: { issuer: internal, privateKey: { algorithm: ECDSA, size: 384 } }\n    workload: { kind: Deployment, name: db`), { property: "keyAlgorithm (serving)", where: "service shop/db", class: ["strengthening"] }],
  ["longer validity", B, edit(B, "duration: 2160h", "duration: 8760h"), { property: "validity (serving)", where: "service shop/api", class: ["weakening"] }],
  ["shorter CA validity", B, edit(B, 'subject: "CN=shop internal CA", validityDays: 790', 'subject: "CN=shop internal CA", validityDays: 400'), { property: "validity (CA)", where: "authority internal", class: ["strengthening"] }],
  ["serving certificate from another CA", B, edit(B, DB, `    certificate: { issuer: spare }\n    workload: { kind: Deployment, name: db`), { property: "certificateIssuer (serving)", where: "service shop/db", class: ["neutral", "disruptive"] }],
  ["issuer's CA swapped outside rotation", B, edit(B, "  internal:\n    ca: { authority: internal }", "  internal:\n    ca: { authority: spare }"), { property: "issuerAuthority", where: "issuer internal", class: ["neutral", "disruptive"] }],
  ["issuer's CA swapped by rotation", B, `${edit(B, "  internal:\n    ca: { authority: internal }", "  internal:\n    ca: { authority: spare }")}rotation: { authority: internal, next: spare, phase: issue-new }\n`, { property: "issuerAuthority", where: "issuer internal", class: ["neutral"] }],
  ["a SAN added", B, edit(B, DB, `    headless: true\n    certificate: { issuer: internal }\n    workload: { kind: Deployment, name: db`), { property: "certificateName (serving)", where: "service shop/db", class: ["weakening"] }],
  ["rotation starts", B, `${B}rotation: { authority: internal, next: spare, phase: trust-both }\n`, { property: "rotationPhase", where: "authority internal", class: ["weakening"] }],
  ["rotation moves on", `${B}rotation: { authority: internal, next: spare, phase: trust-both }\n`, `${B}rotation: { authority: internal, next: spare, phase: issue-new }\n`, { property: "rotationPhase", where: "authority internal", class: ["neutral"] }],
  ["rotation skips a phase", `${B}rotation: { authority: internal, next: spare, phase: trust-both }\n`, `${B}rotation: { authority: internal, next: spare, phase: drop-old }\n`, { property: "rotationPhase", where: "authority internal", class: ["neutral", "disruptive"] }],
  ["rotation goes back", `${B}rotation: { authority: internal, next: spare, phase: issue-new }\n`, `${B}rotation: { authority: internal, next: spare, phase: trust-both }\n`, { property: "rotationPhase", where: "authority internal", class: ["neutral", "disruptive"] }],
  ["issuer added", B, edit(B, "issuers:\n", "issuers:\n  bootstrap:\n    selfSigned: {}\n"), { property: "subject", where: "issuer bootstrap", class: ["neutral"] }],
  ["knative encryption off", `${B}knative:\n  clusterLocalDomainTLS: true\n  issuers: { clusterLocal: internal }\n`, `${B}knative:\n  clusterLocalDomainTLS: false\n  issuers: { clusterLocal: internal }\n`, { property: "knativeEncryption (cluster-local)", where: "knative", class: ["weakening"] }],
  ["trust anchor added", `${B}knative:\n  systemInternalTLS: true\n  issuers: { systemInternal: internal }\n  trustBundle: { authorities: [internal] }\n`, `${B}knative:\n  systemInternalTLS: true\n  issuers: { systemInternal: internal }\n  trustBundle: { authorities: [internal, spare] }\n`, { property: "trustAnchor", where: "knative", class: ["weakening"] }],
  ["mesh plug-in CA swapped", edit(B, "owned: true }", "owned: true, certificateAuthority: internal }"), edit(B, "owned: true }", "owned: true, certificateAuthority: spare }"), { property: "meshAuthority", where: "mesh", class: ["neutral", "disruptive"] }],
];

for (const [name, base, head, want] of CASES) {
  test(`diff classifies: ${name}`, async () => {
    const report = await diffTexts(base, head);
    assert.equal(report.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`), [], "both sides compile");
    const found = report.changes.filter((c) => c.property === want.property && (c.path ?? c.subject).includes(want.where));
    assert.ok(found.length > 0, `no ${want.property} change at ${want.where}; got:\n${report.changes.map((c) => `${c.property} @ ${c.path ?? c.subject}: ${c.class.join(",")}`).join("\n")}`);
    assert.equal(found[0]?.class, want.class, found[0]?.why);
    assert.ok((found[0]?.why.length ?? 0) > 10, "a one-line why");
  });
}

test("--verify: a path verify models as broken after the change is disruptive; without it verify does not run", async () => {
  const head = edit(B, "  mode: PERMISSIVE", "  mode: STRICT");
  const renderer = new Renderer();
  const verified = await diffSides(textSide("base.yaml", B), textSide("head.yaml", head), { renderer, verify: true });
  const broken = verified.changes.filter((c) => c.property === "verifiedPath");
  assert.equal(broken.map((c) => [c.path, c.class, c.before]), [["router (Route shop/api) → Service shop/api (port 8443→8443)", ["neutral", "disruptive"], "ok"]]);
  assert.match(broken[0]?.after ?? "", /^broken: router \(Route shop\/api\) sends no mTLS/);
  const plain = await diffSides(textSide("base.yaml", B), textSide("head.yaml", head), { renderer });
  assert.not.ok(plain.changes.some((c) => c.property === "verifiedPath"));
});

test("diff X X is empty", async () => {
  const report = await diffTexts(B, B);
  assert.equal(report.changes, []);
  assert.equal(report.objects, []);
  assert.match(formatText(report), /no change on the wire, no object changed/);
});

test("comments, whitespace and key order change nothing", async () => {
  const reordered = B.replace("# nothing", "")
    .replace("apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\n", "# a comment\nkind: MeshSecurityPolicy   # trailing\napiVersion: mesh-security/v1alpha1\n\n")
    .replace("  profile: intermediate\n  minVersion: TLSv1_2\n", "  minVersion:    TLSv1_2\n  profile: intermediate\n")
    .replace("    port: 8443\n    selector: { app: api }\n", "    selector: {app: api}\n    port: 8443\n");
  assert.not.equal(reordered, B);
  const report = await diffTexts(B, reordered);
  assert.equal(report.changes, []);
  assert.equal(report.objects, []);
});

test("objects: added, removed and changed per kind and file, changed fields without values", async () => {
  const head = edit(B, DB, `    exposure: reencrypt\n    host: db.apps.example.com\n${DB}`).replace("duration: 2160h", "duration: 4320h");
  const report = await diffTexts(B, head);
  const route = report.objects.find((o) => o.kind === "Route" && o.name === "shop/db");
  assert.equal(route?.change, "added");
  assert.ok(route?.file.endsWith(".yaml"));
  const cert = report.objects.find((o) => o.kind === "Certificate" && o.name.startsWith("shop/api"));
  assert.equal(cert?.change, "changed");
  assert.ok(cert?.fields.includes("spec.duration"), cert?.fields.join(","));
  const removed = await diffTexts(head, B);
  assert.equal(removed.objects.find((o) => o.kind === "Route" && o.name === "shop/db")?.change, "removed");
});

test("key material never reaches a report, even with the committed CA material at hand and Secrets inline", async () => {
  const { generateAuthority } = await import("../src/ca/generate.js");
  const files: Record<string, string> = {};
  for (const [name, subject] of [["internal", "CN=shop internal CA"], ["spare", "CN=shop spare CA"]] as const) {
    const made = await generateAuthority({ name, keyAlgorithm: "ECDSA-P256", subject, validityDays: 790, intermediate: false, intermediateValidityDays: 395 }, new Date("2026-01-01T00:00:00Z"));
    files[`.mesh-security/authorities/${name}/root-cert.pem`] = made.root.certPem;
    files[`.mesh-security/authorities/${name}/ca-cert.pem`] = made.root.certPem;
    files[`.mesh-security/authorities/${name}/cert-chain.pem`] = made.root.certPem;
  }
  const head = `${edit(B, "  internal:\n    ca: { authority: internal }", "  internal:\n    ca: { authority: spare }")}output:\n  secrets: inline\n`;
  const report = await diffSides(textSide("base.yaml", B, files), textSide("head.yaml", head, {}), { renderer: new Renderer() });
  assert.equal(report.diagnostics.filter((d) => d.severity === "error"), []);
  assert.ok(report.objects.length > 0 && report.changes.some((c) => c.property === "authorityRoot" || c.property === "issuerAuthority"));
  for (const out of [formatText(report), formatMarkdown(report), formatHtml(report), JSON.stringify(report.changes), JSON.stringify(report.objects)]) {
    assert.not.match(out, /-----BEGIN/);
    assert.not.match(out, /MII[A-Za-z0-9+/]{20}/);
  }
  const material = files[".mesh-security/authorities/internal/root-cert.pem"] ?? "";
  const leaked = { ...report, changes: [{ subject: "x", path: null, property: "p", before: null, after: material, class: ["neutral" as const], why: "w" }] };
  for (const format of [formatText, formatMarkdown, formatHtml]) assert.not.match(format(leaked), /MII[A-Za-z0-9+/]{20}/, "redaction applies to every value, in every format");
});

test("same inputs, same bytes in every format", async () => {
  const head = edit(B, "minVersion: TLSv1_2", "minVersion: TLSv1_1").replace("callers: [api]", "callers: [api, legacy/mainframe]");
  const [a, b] = [await diffTexts(B, head), await diffTexts(B, head)];
  for (const format of [formatText, formatMarkdown, formatHtml]) assert.is(format(a), format(b));
  assert.is(JSON.stringify(a.changes), JSON.stringify(b.changes));
});

test("markdown: a summary line, weakening and disruptive first in a table, the rest in <details>", async () => {
  const head = edit(edit(B, "minVersion: TLSv1_2", "minVersion: TLSv1_1"), "    legacy: DISABLE", "    legacy: PERMISSIVE");
  const md = formatMarkdown(await diffTexts(B, head));
  const lines = md.split("\n");
  assert.match(lines[0] ?? "", /^\*\*mesh-security diff\*\* `base\.yaml` → `head\.yaml`: \d+ changes on the wire: 1 weakening/);
  const table = md.indexOf("| **weakening** |");
  const details = md.indexOf("<details>");
  assert.ok(table > 0 && details > table, "alarming table before <details>");
  assert.ok(md.indexOf("| **strengthening** |") > details, "strengthening inside <details>");
});

test("--fail-on: weakening, any, never", () => {
  const weak = { changes: [{ subject: "mesh", path: null, property: "mtlsMode", before: "STRICT", after: "PERMISSIVE", class: ["weakening" as const], why: "" }] };
  const strong = { changes: [{ ...weak.changes[0]!, class: ["strengthening" as const] }] };
  assert.ok(failsOn(weak, "weakening"));
  assert.not.ok(failsOn(strong, "weakening"));
  assert.ok(failsOn(strong, "any"));
  assert.not.ok(failsOn({ changes: [] }, "any"));
  assert.not.ok(failsOn(weak, "never"));
});

test("a policy error on either side is reported, with no comparison", async () => {
  const report = await diffTexts(B, edit(B, "  mode: PERMISSIVE", "  mode: PERMISIVE"));
  assert.ok(report.diagnostics.some((d) => d.code === "MS1005" && d.file === "head.yaml"));
  assert.equal(report.changes, []);
});

test.run();
