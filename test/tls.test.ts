import { test } from "uvu";
import * as assert from "uvu/assert";
// Compile-level: the resolved TLS reaches each control plane, and TLS rules land on the policy lines.
// The resolver itself is tested table-driven in tls-resolve.test.ts and tls-tables.test.ts.
import { codesAt, compileText, HEADER, objects } from "./helpers/policy.js";

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

test("Sail keeps the profile's X25519MLKEM768 in tlsDefaults (an explicit list replaces Envoy's X25519:P-256); Maistra cannot take it", async () => {
  const policy = (flavor: string, tls: string): string => `${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true }\n${tls}mtls: { mode: STRICT }\n`;
  const sail = objects(await compileText(policy("sail", "tls: { profile: intermediate }\n"))).get("cluster/istio-basic.yaml") ?? {};
  assert.equal((sail["spec"] as { values: { meshConfig: { tlsDefaults: { ecdhCurves: unknown } } } }).values.meshConfig.tlsDefaults.ecdhCurves, ["X25519MLKEM768", "X25519", "P-256", "P-384"]);
  const named = objects(await compileText(policy("sail", "tls: { profile: intermediate, ecdhCurves: [X25519MLKEM768, CurveP256] }\n"))).get("cluster/istio-basic.yaml") ?? {};
  assert.equal((named["spec"] as { values: { meshConfig: { tlsDefaults: { ecdhCurves: unknown } } } }).values.meshConfig.tlsDefaults.ecdhCurves, ["X25519MLKEM768", "P-256"]);
  const maistra = await compileText(policy("maistra-v2", "tls: { profile: intermediate, ecdhCurves: [X25519MLKEM768, X25519] }\n"));
  assert.equal(codesAt(maistra), [["MS2205", 7, 44]]);
  const note = (await compileText(policy("maistra-v2", "tls: { profile: intermediate }\n"))).notes.find((n) => n.text.startsWith("TLS from profile"));
  assert.ok(note?.text.endsWith("left out as unsupported by maistra-v2: X25519MLKEM768"), note?.text);
});

test("TLS rules are placed on the policy lines", async () => {
  const result = await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2 }\ntls:\n  profile: intermediate\n  cipherSuites:\n    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n    - ECDHE-RSA-AES256-GCM-SHA384\nmtls: {}\n`);
  assert.equal(codesAt(result), [["MS2202", 11, 7]]);
  assert.equal(result.diagnostics[0]?.hint, "write TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
});

test.run();
