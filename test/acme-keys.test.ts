import { test } from "uvu";
import * as assert from "uvu/assert";
import { codesAt, compileText, HEADER } from "./helpers/policy.js";

// Let's Encrypt's boulder (goodkey.KeyPolicy.GoodKey) refuses every key but RSA and ECDSA
// P-256/P-384, so an ACME order for an Ed25519 (or P-521) CSR never completes. Ed25519 stays valid for
// CA and selfSigned issuers.
const ISSUERS = `issuers:
  le:
    acme:
      email: ops@example.com
      solver: { http01: {} }
  custom:
    acme:
      server: https://acme.internal.example.com/directory
      email: ops@example.com
      solver: { http01: {} }
  own: { selfSigned: {} }
`;

const policy = (field: "certificate" | "routeCertificate", issuer: string, key: string, routes = "cert-utils"): string =>
  `${HEADER}platform: { openshift: "4.16", routeCertificates: ${routes} }\n${ISSUERS}services:\n  - name: api\n    namespace: shop\n    exposure: ${field === "routeCertificate" ? "external" : "internal"}\n${field === "routeCertificate" ? "    host: api.example.com\n" : ""}    ${field}:\n      issuer: ${issuer}\n      privateKey: ${key}\n`;

const cases: Array<[string, { given: string; want: Array<[string, number, number]> }]> = [
  ["Ed25519 from Let's Encrypt (router certificate) is an error at the algorithm", { given: policy("routeCertificate", "le", "{ algorithm: Ed25519 }"), want: [["MS2119", 24, 32]] }],
  ["Ed25519 through openshift-routes annotations is the same order", { given: policy("routeCertificate", "le", "{ algorithm: Ed25519 }", "cert-manager-routes"), want: [["MS2119", 24, 32]] }],
  ["Ed25519 from a custom ACME server is an error too", { given: policy("routeCertificate", "custom", "{ algorithm: Ed25519 }"), want: [["MS2119", 24, 32]] }],
  ["ECDSA P-521 from Let's Encrypt is an error at the size", { given: policy("routeCertificate", "le", "{ algorithm: ECDSA, size: 521 }"), want: [["MS2119", 24, 45]] }],
  ["ECDSA P-521 from another ACME server is left to that server", { given: policy("routeCertificate", "custom", "{ algorithm: ECDSA, size: 521 }"), want: [] }],
  ["ECDSA P-384 from Let's Encrypt is fine", { given: policy("routeCertificate", "le", "{ algorithm: ECDSA, size: 384 }"), want: [] }],
  ["RSA 4096 from Let's Encrypt is fine", { given: policy("routeCertificate", "le", "{ algorithm: RSA, size: 4096 }"), want: [] }],
  ["Ed25519 from a selfSigned issuer is kept", { given: policy("certificate", "own", "{ algorithm: Ed25519 }"), want: [] }],
];

for (const [name, { given, want }] of cases) {
  test(name, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result).filter(([code]) => code !== "MS2103"), want);
  });
}

test.run();
