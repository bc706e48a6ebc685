import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { suggestValue } from "../src/util/suggest.js";
import { codesAt, compileText, HEADER } from "./helpers/policy.js";

type Want = Array<[string, number, number]>;

// Every mistake of each fixture, once, at its own line: [code, line, column].
const fixtures: Array<[string, Want]> = [
  [
    "invalid-ten-mistakes",
    [["MS1006", 5, 9], ["MS1002", 6, 1], ["MS1005", 9, 12], ["MS2008", 19, 13], ["MS2005", 23, 15], ["MS2006", 26, 15], ["MS2003", 31, 15], ["MS2001", 32, 11], ["MS1007", 36, 11], ["MS2007", 39, 15]],
  ],
  ["invalid-crypto-section", [["MS2206", 13, 3], ["MS2202", 14, 7], ["MS2201", 15, 7], ["MS1005", 18, 24]]],
  ["invalid-entry-mistakes", [["MS2001", 16, 11], ["MS1005", 18, 15], ["MS2003", 21, 15], ["MS1004", 24, 11], ["MS2005", 25, 15], ["MS1002", 28, 5], ["MS2009", 30, 11]]],
];

for (const [name, want] of fixtures) {
  test(`${name}: every mistake reported once, in one run`, async () => {
    const result = await compileText(readFileSync(`examples/${name}/mesh-security.yaml`, "utf8"));
    assert.equal(codesAt(result), want);
  });
}

const cases: Array<[string, { given: string; want: Want }]> = [
  // exposure `fancy` has no confident suggestion: it stands in as the default (internal), and "host on an
  // internal service" would arise from that stand-in alone, so it is dropped; the issuer typo is kept.
  [
    "guessed enum: findings of the stand-in dropped, others kept",
    { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    exposure: fancy\n    host: a.example.com\n    certificate: { issuer: nope }\n`, want: [["MS1005", 8, 15], ["MS2003", 10, 28]] },
  ],
  // A misspelt key is read as the key it resembles: the mistakes inside it are found too, at the policy's spelling.
  [
    "renamed key: its contents are checked",
    { given: `${HEADER}mtls: {}\nplatfrom:\n  serviceMesh:\n    flavr: sail\n`, want: [["MS1002", 6, 1], ["MS1002", 8, 5]] },
  ],
  // Read as `selector`, so per-workload mTLS has its selector (no MS2251), and the Service is emitted.
  [
    "renamed key: semantic rules run on it",
    { given: `${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2 }\nservices:\n  - name: a\n    namespace: b\n    selctor: { app: a }\n    mtls: STRICT\n`, want: [["MS1002", 10, 5]] },
  ],
  ["without the key, the rule fires", { given: `${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2 }\nservices:\n  - name: a\n    namespace: b\n    mtls: STRICT\n`, want: [["MS2251", 10, 11]] }],
  // "8443" is read as 8443, and the missing host of the same entry is still reported.
  ["coerced type", { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    port: "8443"\n    exposure: passthrough\n`, want: [["MS1004", 8, 11], ["MS2005", 9, 15], ["MS2006", 9, 15]] }],
  // A value of the wrong type with a default is replaced by it; nothing downstream complains about the stand-in.
  ["wrong type, default", { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    port: [1]\n`, want: [["MS1004", 8, 5]] }],
  // `host` of the wrong type is left out: "needs `host`" would be about the stand-in, so only the type error shows.
  ["wrong type, left out", { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    exposure: external\n    host: [a.example.com]\n    certificate: { issuer: nope }\n`, want: [["MS1004", 9, 5], ["MS2003", 10, 28]] }],
  // A missing required key still drops its entry (nothing local fits), but not its neighbours.
  ["missing required key", { given: `${HEADER}services:\n  - name: a\n  - name: a\n    namespace: b\n    exposure: external\n`, want: [["MS1003", 6, 5], ["MS2005", 9, 15]] }],
  // A map key names files and objects: an invalid one drops its entry, and references to it are not re-reported.
  ["invalid authority name", { given: `${HEADER}authorities:\n  Bad_CA: { generate: { subject: "CN=x" } }\nissuers:\n  i: { ca: { authority: Bad_CA } }\nmtls: {}\n`, want: [["MS1006", 6, 3], ["MS1006", 8, 25]] }],
  // CA material is generated from an authority's values: one out of range drops the authority, not kept as written.
  ["authority value out of range", { given: `${HEADER}authorities:\n  ca:\n    generate: { subject: "CN=x", validityDays: 0 }\nissuers:\n  i: { ca: { authority: ca } }\nmtls: {}\n`, want: [["MS1007", 7, 48]] }],
  ["curve alias in the enum", { given: `${HEADER}tls:\n  ecdhCurves: [secp384r1]\nmtls: {}\n`, want: [["MS1005", 6, 16]] }],
];

for (const [name, { given, want }] of cases) {
  test(`recovery: ${name}`, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want, JSON.stringify(result.diagnostics.map((d) => d.message)));
  });
}

const aliases: Array<[string, string]> = [
  ["P-256", "CurveP256"],
  ["prime256v1", "CurveP256"],
  ["secp256r1", "CurveP256"],
  ["P-384", "CurveP384"],
  ["secp384r1", "CurveP384"],
  ["secp521r1", "CurveP521"],
  ["x25519", "X25519"],
];
for (const [given, want] of aliases) {
  test(`curve alias ${given} → ${want}`, async () => {
    assert.is(suggestValue(given, ["CurveP256", "CurveP384", "CurveP521", "X25519"]), want);
    const result = await compileText(`${HEADER}tls:\n  ecdhCurves: [${given}]\nmtls: {}\n`);
    assert.equal(result.diagnostics.find((d) => d.code === "MS1005")?.hint, `did you mean \`${want}\`?`);
  });
}

test.run();
