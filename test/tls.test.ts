import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TlsPolicyInput } from "../src/model/model.js";
import type { MeshFlavor } from "../src/model/policy-input.js";
import { BY_IANA, HTTP2_SUITES } from "../src/tls/ciphers.js";
import { PROFILES } from "../src/tls/profiles.js";
import { formatForTarget, resolveTls } from "../src/tls/resolve.js";
import { TARGETS_TLS } from "../src/tls/targets.js";
import type { TargetFlavor } from "../src/tls/targets.js";
import { codesAt, compileText, HEADER, objects } from "./helpers/policy.js";

const FLAVORS: TargetFlavor[] = ["maistra-v1", "maistra-v2", "sail"];

test("every profile suite is in the cipher table, TLS 1.2-only, and the intermediate one can do HTTP/2", () => {
  for (const profile of Object.values(PROFILES)) for (const s of profile.cipherSuites) assert.ok(BY_IANA.get(s) && !BY_IANA.get(s)?.tls13, s);
  assert.ok(PROFILES.intermediate.cipherSuites.some((s) => HTTP2_SUITES.includes(s)));
  for (const flavor of FLAVORS) for (const s of TARGETS_TLS[flavor].cipherSuites) assert.ok(BY_IANA.has(s), `${flavor}: ${s}`);
  assert.is(TARGETS_TLS["maistra-v2"].cipherSuites.size, 19, "the 19 suites the SMCP documents");
});

test("no name is ever written in a form the target does not accept (all profiles × flavors)", () => {
  const acceptedVersions: Record<TargetFlavor, string[]> = { "maistra-v1": ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"], "maistra-v2": ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"], sail: ["TLSV1_2", "TLSV1_3"] };
  const opensslNames = new Set([...BY_IANA.values()].map((s) => s.openssl));
  for (const flavor of FLAVORS) {
    for (const profile of ["modern", "intermediate"] as const) {
      const { value, findings } = resolveTls({ profile }, flavor);
      assert.ok(value, `${flavor}/${profile}: ${findings.map((f) => f.code).join(",")}`);
      if (!value) continue;
      const f = formatForTarget(value, flavor);
      assert.ok(acceptedVersions[flavor].includes(f.minProtocolVersion), `${flavor} ${f.minProtocolVersion}`);
      for (const c of f.cipherSuites) assert.ok(flavor === "sail" ? opensslNames.has(c) && !c.startsWith("TLS_") : BY_IANA.has(c), `${flavor} ${c}`);
      for (const c of f.ecdhCurves) assert.ok(flavor === "sail" ? /^(X25519|P-256|P-384|P-521)$/.test(c) : /^(X25519|CurveP(256|384|521))$/.test(c), `${flavor} ${c}`);
    }
  }
});

type Want = { min: string; max: string; suites: string[]; curves: string[]; dropped?: string[] };
const profiles: Array<[string, { given: TlsPolicyInput; flavor: TargetFlavor; want: Want }]> = [
  ["intermediate on maistra-v2: Go names, DHE suites left out", {
    given: { profile: "intermediate" },
    flavor: "maistra-v2",
    want: {
      min: "TLSv1_2", max: "TLSv1_3",
      suites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
      curves: ["X25519", "CurveP256", "CurveP384"],
      dropped: ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"],
    },
  }],
  ["intermediate on sail: OpenSSL names, TLSV1_2", {
    given: { profile: "intermediate" },
    flavor: "sail",
    want: {
      min: "TLSV1_2", max: "TLSV1_3",
      suites: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"],
      curves: ["X25519", "P-256", "P-384"],
    },
  }],
  ["modern: TLS 1.3 only, no suites", { given: { profile: "modern" }, flavor: "maistra-v1", want: { min: "TLSv1_3", max: "TLSv1_3", suites: [], curves: ["X25519", "CurveP256", "CurveP384"] } }],
  ["custom with explicit suites and curves", {
    given: { profile: "custom", minVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"], ecdhCurves: ["CurveP256", "CurveP521"] },
    flavor: "maistra-v1",
    want: { min: "TLSv1_2", max: "TLSv1_3", suites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"], curves: ["CurveP256", "CurveP521"] },
  }],
];
for (const [name, { given, flavor, want }] of profiles) {
  test(`resolve: ${name}`, () => {
    const { value, findings } = resolveTls(given, flavor);
    assert.equal(findings.filter((f) => f.code !== "MS2210"), []);
    assert.ok(value);
    if (!value) return;
    const f = formatForTarget(value, flavor);
    assert.equal([f.minProtocolVersion, f.maxProtocolVersion, f.cipherSuites, f.ecdhCurves], [want.min, want.max, want.suites, want.curves]);
    if (want.dropped) assert.equal(value.dropped, want.dropped);
    assert.is(value.guidelines, "Mozilla Server Side TLS 5.8");
  });
}

const rules: Array<[string, { given: TlsPolicyInput; flavor?: MeshFlavor; want: Array<[string, (string | number)[]]> }]> = [
  ["unknown suite", { given: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265"] }, want: [["MS2201", ["tls", "cipherSuites", 0]]] }],
  ["OpenSSL name", { given: { profile: "intermediate", cipherSuites: ["ECDHE-RSA-AES128-GCM-SHA256"] }, want: [["MS2202", ["tls", "cipherSuites", 0]]] }],
  ["unsupported on maistra", { given: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"] }, flavor: "maistra-v2", want: [["MS2203", ["tls", "cipherSuites", 1]]] }],
  ["TLS 1.3 suite", { given: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"] }, want: [["MS2204", ["tls", "cipherSuites", 1]]] }],
  ["no HTTP/2 suite", { given: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] }, want: [["MS2206", ["tls", "cipherSuites"]]] }],
  ["suites under TLS 1.3 only", { given: { profile: "modern", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] }, want: [["MS2207", ["tls", "cipherSuites"]]] }],
  ["min above max", { given: { profile: "intermediate", minVersion: "TLSv1_3", maxVersion: "TLSv1_2" }, want: [["MS2208", ["tls", "minVersion"]]] }],
  ["TLS 1.0 and CBC (old profile)", { given: { profile: "old" }, flavor: "maistra-v2", want: [["MS2209", ["tls", "profile"]], ["MS2210", ["tls", "profile"]]] }],
  ["version sail cannot express", { given: { profile: "intermediate", minVersion: "TLSv1_1" }, flavor: "sail", want: [["MS2209", ["tls", "minVersion"]], ["MS2211", ["tls", "minVersion"]]] }],
  ["max on sail", { given: { profile: "intermediate", maxVersion: "TLSv1_2" }, flavor: "sail", want: [["MS2211", ["tls", "maxVersion"]]] }],
  ["custom without minVersion or suites", { given: { profile: "custom" }, want: [["MS2212", ["tls", "profile"]], ["MS2212", ["tls", "profile"]]] }],
];
for (const [name, { given, flavor, want }] of rules) {
  test(`rule: ${name}`, () => {
    const { value, findings } = resolveTls(given, flavor ?? "none");
    assert.equal(findings.map((f) => [f.code, f.path]), want);
    const errors = want.some(([code]) => !["MS2207", "MS2209", "MS2210"].includes(code));
    assert.is(value === undefined, errors, "a value only without errors");
  });
}

test("every flavor takes each of the four curves the schema allows", () => {
  for (const flavor of FLAVORS) for (const curve of ["CurveP256", "CurveP384", "CurveP521", "X25519"] as const) assert.ok(TARGETS_TLS[flavor].curves.has(curve), `${flavor} ${curve}`);
});

test("the SMCP carries the resolved TLS: v2 lists, v1 comma-separated strings; Sail meshMTLS and tlsDefaults", async () => {
  const tls = "tls:\n  profile: intermediate\n  cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n  ecdhCurves: [X25519, CurveP256]\nmtls: { mode: STRICT }\n";
  const mesh = (flavor: string): string => `${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true }\n${tls}`;
  const v2 = objects(await compileText(mesh("maistra-v2"))).get("istio-system/servicemeshcontrolplane-basic.yaml") ?? {};
  assert.equal((v2["spec"] as { security: { controlPlane: unknown } }).security.controlPlane, {
    tls: { cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], ecdhCurves: ["X25519", "CurveP256"], maxProtocolVersion: "TLSv1_3", minProtocolVersion: "TLSv1_2" },
  });
  const v1 = objects(await compileText(mesh("maistra-v1"))).get("istio-system/servicemeshcontrolplane-basic.yaml") ?? {};
  assert.equal((v1["spec"] as { istio: { global: { tls: unknown } } }).istio.global.tls, {
    cipherSuites: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    ecdhCurves: "X25519,CurveP256",
    maxProtocolVersion: "TLSv1_3",
    minProtocolVersion: "TLSv1_2",
  });
  const sail = objects(await compileText(mesh("sail"))).get("cluster/istio-basic.yaml") ?? {};
  assert.equal((sail["spec"] as { values: { meshConfig: unknown } }).values.meshConfig, {
    meshMTLS: { cipherSuites: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"], minProtocolVersion: "TLSV1_2" },
    tlsDefaults: { cipherSuites: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"], ecdhCurves: ["X25519", "P-256"], minProtocolVersion: "TLSV1_2" },
  });
});

test("TLS rules are placed on the policy lines", async () => {
  const result = await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2 }\ntls:\n  profile: intermediate\n  cipherSuites:\n    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n    - ECDHE-RSA-AES256-GCM-SHA384\nmtls: {}\n`);
  assert.equal(codesAt(result), [["MS2202", 11, 7]]);
  assert.equal(result.diagnostics[0]?.hint, "write TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
});

test.run();
