import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Curve } from "../src/model/policy-input.js";
import { formatForTarget, resolveTls } from "../src/tls/resolve.js";
import type { TlsInput } from "../src/tls/resolve.js";
import type { TargetFlavor } from "../src/tls/per-target.js";

const WARNINGS = new Set(["MS2207", "MS2209", "MS2210"]);

// ---- each profile per flavor: exact resolved lists and the target's own names ----

const INTERMEDIATE = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];
const INTERMEDIATE_OPENSSL = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"];
// Mozilla 5.8 old, less the three suites Go (and so Maistra) lacks.
const OLD_MAISTRA = [
  ...INTERMEDIATE,
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
];
const OLD_MAISTRA_DROPPED = ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_RSA_WITH_AES_256_CBC_SHA256"];
// Mozilla 5.8 old, less what Istio's ValidCipherSuites lacks (CBC-SHA256/SHA384).
const OLD_SAIL_OPENSSL = [
  ...INTERMEDIATE_OPENSSL,
  "ECDHE-ECDSA-AES128-SHA",
  "ECDHE-RSA-AES128-SHA",
  "ECDHE-ECDSA-AES256-SHA",
  "ECDHE-RSA-AES256-SHA",
  "AES128-GCM-SHA256",
  "AES256-GCM-SHA384",
  "AES128-SHA",
  "AES256-SHA",
  "DES-CBC3-SHA",
];
const OLD_SAIL_DROPPED = ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256"];
const CURVES_MAISTRA = ["X25519", "CurveP256", "CurveP384"];
// Mozilla 5.8 lists X25519MLKEM768 first: Istio takes it, Maistra does not (dropped, not an error).
const CURVES_SAIL = ["X25519MLKEM768", "X25519", "P-256", "P-384"];
const MAISTRA_DROPS_CURVE = ["X25519MLKEM768"];

interface Formatted { min: string; max: string; suites: string[]; curves: string[] }
const profiles: Array<[string, { given: { input: TlsInput; flavor: TargetFlavor }; want: { suites: string[]; dropped: string[]; formatted: Formatted; warnings: string[] } }]> = [];
for (const flavor of ["maistra-v1", "maistra-v2"] as const) {
  profiles.push(
    [`modern on ${flavor}`, { given: { input: { profile: "modern" }, flavor }, want: { suites: [], dropped: MAISTRA_DROPS_CURVE, warnings: [], formatted: { min: "TLSv1_3", max: "TLSv1_3", suites: [], curves: CURVES_MAISTRA } } }],
    [`intermediate on ${flavor}: Go names`, { given: { input: { profile: "intermediate" }, flavor }, want: { suites: INTERMEDIATE, dropped: MAISTRA_DROPS_CURVE, warnings: [], formatted: { min: "TLSv1_2", max: "TLSv1_3", suites: INTERMEDIATE, curves: CURVES_MAISTRA } } }],
    [`old on ${flavor}: the suites Go lacks are dropped`, { given: { input: { profile: "old" }, flavor }, want: { suites: OLD_MAISTRA, dropped: [...OLD_MAISTRA_DROPPED, ...MAISTRA_DROPS_CURVE], warnings: ["MS2209", "MS2210"], formatted: { min: "TLSv1_0", max: "TLSv1_3", suites: OLD_MAISTRA, curves: CURVES_MAISTRA } } }],
  );
}
profiles.push(
  ["modern on sail", { given: { input: { profile: "modern" }, flavor: "sail" }, want: { suites: [], dropped: [], warnings: [], formatted: { min: "TLSV1_3", max: "TLSV1_3", suites: [], curves: CURVES_SAIL } } }],
  ["intermediate on sail: OpenSSL names, TLSV1_2", { given: { input: { profile: "intermediate" }, flavor: "sail" }, want: { suites: INTERMEDIATE, dropped: [], warnings: [], formatted: { min: "TLSV1_2", max: "TLSV1_3", suites: INTERMEDIATE_OPENSSL, curves: CURVES_SAIL } } }],
  ["old on sail from TLS 1.2: the suites Istio lacks are dropped", {
    given: { input: { profile: "old", minVersion: "TLSv1_2" }, flavor: "sail" },
    want: { suites: OLD_MAISTRA.filter((s) => !OLD_SAIL_DROPPED.includes(s)), dropped: OLD_SAIL_DROPPED, warnings: ["MS2210"], formatted: { min: "TLSV1_2", max: "TLSV1_3", suites: OLD_SAIL_OPENSSL, curves: CURVES_SAIL } },
  }],
);

for (const [name, { given, want }] of profiles) {
  test(`profile: ${name}`, () => {
    const { value, findings } = resolveTls(given.input, given.flavor, ["tls"]);
    assert.equal(findings.map((f) => f.code), want.warnings);
    assert.ok(value);
    if (!value) return;
    assert.equal(value.cipherSuites, want.suites);
    assert.equal(value.dropped, want.dropped);
    assert.is(value.guidelines, "Mozilla Server Side TLS 5.8");
    assert.equal(value.source, { minVersion: given.input.minVersion ? "policy" : "profile", maxVersion: "profile", cipherSuites: "profile", ecdhCurves: "profile" });
    const f = formatForTarget(value, given.flavor);
    assert.equal(f, { minProtocolVersion: want.formatted.min, maxProtocolVersion: want.formatted.max, cipherSuites: want.formatted.suites, ecdhCurves: want.formatted.curves });
  });
}

test("old without a flavor keeps all 21 TLS 1.2 suites of Mozilla 5.8", () => {
  const { value } = resolveTls({ profile: "old" }, "none");
  assert.is(value?.cipherSuites.length, 21);
  assert.equal(value?.dropped, []);
  assert.is(value?.flavor, "none");
});

test("custom: the policy's lists, in its order; no curves means the target's defaults", () => {
  const given: TlsInput = { profile: "custom", minVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] };
  const { value, findings } = resolveTls(given, "maistra-v1");
  assert.equal(findings, []);
  assert.equal(value?.cipherSuites, ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]);
  assert.equal(value?.ecdhCurves, []);
  assert.equal(value?.source, { minVersion: "policy", maxVersion: "profile", cipherSuites: "policy", ecdhCurves: "profile" });
  const withCurves = resolveTls({ ...given, ecdhCurves: ["CurveP521", "X25519"] }, "sail").value;
  assert.ok(withCurves);
  if (withCurves) assert.equal(formatForTarget(withCurves, "sail").ecdhCurves, ["P-521", "X25519"]);
});

test("a value resolved for one flavor is refused by another's formatter", () => {
  const { value } = resolveTls({ profile: "old" }, "none");
  assert.ok(value);
  if (value) assert.throws(() => formatForTarget(value, "sail"));
});

// ---- one case per rule: code and path ----

type Rule = [string, { given: { input: TlsInput; flavor?: TargetFlavor | "none" }; want: Array<[string, (string | number)[]]>; hint?: string }];
const rules: Rule[] = [
  ["MS2201 unknown suite, with did-you-mean", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265"] } }, want: [["MS2201", ["tls", "cipherSuites", 0]]], hint: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }],
  ["MS2201 Go's legacy ChaCha20 name", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"] }, flavor: "maistra-v2" }, want: [["MS2201", ["tls", "cipherSuites", 1]]], hint: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" }],
  ["MS2201 far from anything: no hint", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "NULL"] } }, want: [["MS2201", ["tls", "cipherSuites", 1]]] }],
  ["MS2202 OpenSSL name", { given: { input: { profile: "intermediate", cipherSuites: ["ECDHE-RSA-AES128-GCM-SHA256"] }, flavor: "sail" }, want: [["MS2202", ["tls", "cipherSuites", 0]]], hint: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }],
  ["MS2203 DHE on maistra", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"] }, flavor: "maistra-v2" }, want: [["MS2203", ["tls", "cipherSuites", 1]]], hint: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }],
  ["MS2203 CBC-SHA256 on sail (Maistra has it, Istio does not)", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"] }, flavor: "sail" }, want: [["MS2203", ["tls", "cipherSuites", 1]]] }],
  ["MS2203 ECDHE 3DES on sail", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"] }, flavor: "sail" }, want: [["MS2203", ["tls", "cipherSuites", 1]]] }],
  ["MS2204 TLS 1.3 suite", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"] } }, want: [["MS2204", ["tls", "cipherSuites", 1]]] }],
  ["MS2205 curve the flavor lacks", { given: { input: { profile: "intermediate", ecdhCurves: ["X25519", "secp256r1" as Curve] }, flavor: "maistra-v2" }, want: [["MS2205", ["tls", "ecdhCurves", 1]]] }],
  ["MS2205 without a flavor too", { given: { input: { profile: "intermediate", ecdhCurves: ["P-256" as Curve] } }, want: [["MS2205", ["tls", "ecdhCurves", 0]]] }],
  ["MS2206 no HTTP/2 suite", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] }, flavor: "maistra-v1" }, want: [["MS2206", ["tls", "cipherSuites"]]] }],
  ["MS2207 suites under TLS 1.3 only", { given: { input: { profile: "modern", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] }, flavor: "maistra-v2" }, want: [["MS2207", ["tls", "cipherSuites"]]] }],
  ["MS2208 min above max", { given: { input: { profile: "intermediate", minVersion: "TLSv1_3", maxVersion: "TLSv1_2" } }, want: [["MS2208", ["tls", "minVersion"]]] }],
  ["MS2208 profile minimum above the policy's maximum", { given: { input: { profile: "modern", maxVersion: "TLSv1_2" } }, want: [["MS2208", ["tls", "maxVersion"]]] }],
  ["MS2209 TLS 1.1 allowed", { given: { input: { profile: "intermediate", minVersion: "TLSv1_1" }, flavor: "maistra-v2" }, want: [["MS2209", ["tls", "minVersion"]]] }],
  ["MS2210 one per CBC/3DES suite listed", {
    given: { input: { profile: "custom", minVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"] }, flavor: "maistra-v1" },
    want: [["MS2210", ["tls", "cipherSuites", 1]], ["MS2210", ["tls", "cipherSuites", 2]]],
  }],
  ["MS2210 aggregated for the old profile", { given: { input: { profile: "old", minVersion: "TLSv1_2" }, flavor: "maistra-v2" }, want: [["MS2210", ["tls", "profile"]]] }],
  ["MS2211 TLS 1.1 on sail", { given: { input: { profile: "intermediate", minVersion: "TLSv1_1" }, flavor: "sail" }, want: [["MS2209", ["tls", "minVersion"]], ["MS2211", ["tls", "minVersion"]]], hint: "TLSv1_2" }],
  ["MS2211 profile old on sail", { given: { input: { profile: "old" }, flavor: "sail" }, want: [["MS2209", ["tls", "profile"]], ["MS2211", ["tls", "profile"]], ["MS2210", ["tls", "profile"]]] }],
  ["MS2211 maxVersion on sail", { given: { input: { profile: "intermediate", maxVersion: "TLSv1_2" }, flavor: "sail" }, want: [["MS2211", ["tls", "maxVersion"]]] }],
  ["MS2212 custom without minVersion or suites", { given: { input: { profile: "custom" } }, want: [["MS2212", ["tls", "profile"]], ["MS2212", ["tls", "profile"]]] }],
  ["MS2212 modern widened to TLS 1.2 without suites", { given: { input: { profile: "modern", minVersion: "TLSv1_2" }, flavor: "sail" }, want: [["MS2212", ["tls", "minVersion"]]] }],
  ["no findings: custom TLS 1.3 only needs no suites", { given: { input: { profile: "custom", minVersion: "TLSv1_3" }, flavor: "sail" }, want: [] }],
  ["no findings: DHE without a flavor (nothing to intersect with)", { given: { input: { profile: "intermediate", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"] } }, want: [] }],
];

for (const [name, { given, want, hint }] of rules) {
  test(`rule: ${name}`, () => {
    const { value, findings } = resolveTls(given.input, given.flavor ?? "none", ["tls"]);
    assert.equal(findings.map((f) => [f.code, f.path]), want);
    const errors = want.some(([code]) => !WARNINGS.has(code));
    assert.is(value === undefined, errors, "a value exactly when there are no errors");
    if (hint) assert.ok(findings.some((f) => f.hint?.includes(hint)), `hint naming ${hint}: ${findings.map((f) => f.hint).join(" | ")}`);
  });
}

test("the path prefix is the caller's", () => {
  const { findings } = resolveTls({ profile: "custom" }, "none", ["spec", "tls"]);
  assert.equal(findings.map((f) => f.path), [["spec", "tls", "profile"], ["spec", "tls", "profile"]]);
});

test.run();
