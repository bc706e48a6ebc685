import { readFileSync } from "node:fs";
import { testWithShared } from "./helpers/upstream.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TlsVersion } from "../src/model/policy-input.js";
import { BY_IANA, BY_OPENSSL, CIPHER_SUITES, HTTP2_SUITES } from "../src/tls/ciphers.js";
import { MOZILLA_GUIDELINES_VERSION, PROFILES } from "../src/tls/profiles.js";
import { formatForTarget, resolveTls } from "../src/tls/resolve.js";
import type { TlsInput } from "../src/tls/resolve.js";
import { TARGET_FLAVORS, TARGETS_TLS } from "../src/tls/per-target.js";
import { CURVES, TLS_VERSIONS } from "../src/tls/policy-input.js";
import type { TargetFlavor } from "../src/tls/per-target.js";

// The targets' vocabularies restated from their sources, independently of src/tls/per-target.ts.
// Maistra: OpenShift Service Mesh docs (SMCP TLS versions, the 19 suites, the 4 curves).
const MAISTRA_SUITES = [
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
];
const ACCEPTED: Record<TargetFlavor, { versions: string[]; suites: string[]; curves: string[] }> = {
  "maistra-v1": { versions: ["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"], suites: MAISTRA_SUITES, curves: ["CurveP256", "CurveP384", "CurveP521", "X25519"] },
  "maistra-v2": { versions: ["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"], suites: MAISTRA_SUITES, curves: ["CurveP256", "CurveP384", "CurveP521", "X25519"] },
  // Sail: Istio CRD enum; Istio pkg/config/security ValidCipherSuites and ValidECDHCurves.
  sail: {
    versions: ["TLS_AUTO", "TLSV1_2", "TLSV1_3"],
    suites: ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA"],
    curves: ["P-224", "P-256", "P-521", "P-384", "X25519", "X25519Kyber768Draft00", "X25519MLKEM768"],
  },
};

test("the table holds every suite of every profile, TLS 1.2 suites apart from TLS 1.3 ones", () => {
  assert.is(MOZILLA_GUIDELINES_VERSION, "5.8");
  for (const [name, profile] of Object.entries(PROFILES)) {
    for (const s of profile.cipherSuites) assert.ok(BY_IANA.get(s) && !BY_IANA.get(s)?.tls13, `${name}: ${s}`);
    assert.equal([...profile.tls13Suites], ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]);
    for (const s of profile.tls13Suites) assert.ok(BY_IANA.get(s)?.tls13, `${name}: ${s}`);
    // 5.8 dropped DHE everywhere and lists X25519MLKEM768 first; the policy names it as Go does.
    assert.not.ok(profile.cipherSuites.some((s) => s.includes("_DHE_")), name);
    assert.equal([...profile.curves], ["X25519MLKEM768", "X25519", "CurveP256", "CurveP384"]);
    assert.is(profile.mozillaCurves[0], "X25519MLKEM768");
  }
  assert.equal([PROFILES.modern.cipherSuites.length, PROFILES.intermediate.cipherSuites.length, PROFILES.old.cipherSuites.length], [0, 6, 21]);
  assert.equal([PROFILES.modern.minVersion, PROFILES.intermediate.minVersion, PROFILES.old.minVersion], ["TLSv1_3", "TLSv1_2", "TLSv1_0"]);
});

test("flags: TLS 1.3, CBC, 3DES, forward secrecy, HTTP/2 as the SMCP docs state it", () => {
  assert.equal([...HTTP2_SUITES].sort(), ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]);
  assert.equal(Object.values(CIPHER_SUITES).filter((s) => s.tls13).map((s) => s.iana).sort(), ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]);
  assert.equal(Object.values(CIPHER_SUITES).filter((s) => s.tripleDes).map((s) => s.openssl).sort(), ["DES-CBC3-SHA", "ECDHE-RSA-DES-CBC3-SHA"]);
  assert.ok(CIPHER_SUITES.TLS_RSA_WITH_3DES_EDE_CBC_SHA.cbc);
  assert.not.ok(CIPHER_SUITES.TLS_RSA_WITH_AES_128_GCM_SHA256.forwardSecret);
  assert.ok(CIPHER_SUITES.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256.forwardSecret && CIPHER_SUITES.TLS_AES_128_GCM_SHA256.forwardSecret);
  assert.not.ok(CIPHER_SUITES.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256.cbc);
  assert.is(CIPHER_SUITES.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256.go, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  assert.is(CIPHER_SUITES.TLS_RSA_WITH_AES_256_CBC_SHA256.go, undefined);
  assert.is(BY_OPENSSL.size, Object.values(CIPHER_SUITES).filter((s) => !s.tls13).length, "OpenSSL names are unique");
});

test("every Maistra suite round-trips: Go name = IANA name, and formatted unchanged", () => {
  assert.equal([...TARGETS_TLS["maistra-v2"].cipherSuites].sort(), [...MAISTRA_SUITES].sort());
  // The SMCP's 19 are exactly Go crypto/tls's TLS 1.0-1.2 suites without RC4.
  assert.equal(Object.values(CIPHER_SUITES).filter((s) => s.go && !s.tls13).map((s) => s.iana).sort(), [...MAISTRA_SUITES].sort());
  for (const name of MAISTRA_SUITES) {
    assert.is(CIPHER_SUITES[name as keyof typeof CIPHER_SUITES].go, name);
    for (const flavor of ["maistra-v1", "maistra-v2"] as const) {
      const { value } = resolveTls({ profile: "custom", minVersion: "TLSv1_2", cipherSuites: [name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] }, flavor);
      assert.ok(value, name);
      if (value) assert.is(formatForTarget(value, flavor).cipherSuites[0], name);
    }
  }
});

test("every Sail suite round-trips through its OpenSSL name", () => {
  for (const openssl of ACCEPTED.sail.suites) {
    const iana = BY_OPENSSL.get(openssl)?.iana;
    assert.ok(iana && TARGETS_TLS.sail.cipherSuites.has(iana), openssl);
    assert.is(TARGETS_TLS.sail.cipherName(iana ?? ""), openssl);
  }
  assert.is(TARGETS_TLS.sail.cipherSuites.size, ACCEPTED.sail.suites.length);
});

test("every flavor takes each of the four curves the policy can name; Sail's mesh mTLS takes none", () => {
  for (const flavor of TARGET_FLAVORS) for (const curve of ["CurveP256", "CurveP384", "CurveP521", "X25519"] as const) assert.ok(TARGETS_TLS[flavor].curves.has(curve), `${flavor} ${curve}`);
  assert.equal(TARGET_FLAVORS.map((f) => TARGETS_TLS[f].curvesApplyToMeshMtls), [true, true, false]);
  assert.equal(TARGET_FLAVORS.map((f) => TARGETS_TLS[f].listFormat), ["comma-separated", "list", "list"]);
});

test("formatForTarget never yields a name outside the target's vocabulary (profiles × versions × flavors)", () => {
  const versions: (TlsVersion | undefined)[] = [undefined, "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"];
  let checked = 0;
  for (const flavor of TARGET_FLAVORS) {
    const accepted = ACCEPTED[flavor];
    for (const profile of ["modern", "intermediate", "old"] as const) {
      for (const minVersion of versions) {
        for (const maxVersion of versions) {
          const input: TlsInput = { profile, ...(minVersion ? { minVersion } : {}), ...(maxVersion ? { maxVersion } : {}) };
          const { value } = resolveTls(input, flavor);
          if (!value) continue;
          const f = formatForTarget(value, flavor);
          checked++;
          assert.ok(accepted.versions.includes(f.minProtocolVersion) && accepted.versions.includes(f.maxProtocolVersion), `${flavor} ${f.minProtocolVersion}..${f.maxProtocolVersion}`);
          for (const s of f.cipherSuites) assert.ok(accepted.suites.includes(s), `${flavor} ${s}`);
          for (const c of f.ecdhCurves) assert.ok(accepted.curves.includes(c), `${flavor} ${c}`);
        }
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} combinations resolved`);
});

testWithShared(test, "crds", "Sail's version enum matches the upstream Istio CRD", () => {
  const file = "../shared/crds/sailoperator.io/Istio.v1.json";
  const crd = JSON.parse(readFileSync(file, "utf8")) as { properties: { spec: { properties: { values: { properties: { meshConfig: { properties: Record<string, { properties: { minProtocolVersion: { enum: string[] } } }> } } } } } } };
  const mesh = crd.properties.spec.properties.values.properties.meshConfig.properties;
  for (const key of ["meshMTLS", "tlsDefaults"]) {
    assert.equal(mesh[key]?.properties.minProtocolVersion.enum, ACCEPTED.sail.versions, key);
    assert.not.ok("maxProtocolVersion" in (mesh[key]?.properties ?? {}), `${key} has no maximum`);
  }
});

test("the one list of TLS versions and curves is the schema's enums", () => {
  const schema = readFileSync("schemas/mesh-security.schema.json", "utf8");
  const enums: string[][] = [];
  JSON.parse(schema, (key, value) => (key === "enum" && Array.isArray(value) ? (enums.push(value as string[]), value) : value));
  assert.ok(enums.some((e) => JSON.stringify(e) === JSON.stringify([...TLS_VERSIONS])), "schema has no enum equal to TLS_VERSIONS");
  assert.ok(enums.some((e) => JSON.stringify(e) === JSON.stringify([...CURVES])), "schema has no enum equal to CURVES");
});

test.run();
