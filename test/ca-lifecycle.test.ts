import { test } from "uvu";
import * as assert from "uvu/assert";
import { codesAt, compileText, HEADER } from "./helpers/policy.js";

const MESH = "platform:\n  serviceMesh: { flavor: maistra-v2, owned: true }\n";
const generate = (extra = ""): string => `{ keyAlgorithm: ECDSA-P256, subject: "CN=x root CA", validityDays: 790, intermediate: true${extra} }`;

// Table of lifecycle rules (src/ca/lifecycle-rules.ts): the policy alone decides.
const cases: Array<[string, { given: string; want: Array<[string, number | undefined, number | undefined]>; hint?: RegExp }]> = [
  ["an authority nothing uses, with a mesh lacking a CA: did you mean certificateAuthority?", { given: `${HEADER}${MESH}authorities:\n  spare:\n    generate: ${generate()}\nmtls: {}\n`, want: [["MS2305", 8, 3]], hint: /did you mean `platform.serviceMesh.certificateAuthority: spare`\?/ }],
  ["an unused authority without a mesh", { given: `${HEADER}authorities:\n  spare:\n    generate: ${generate()}\nmtls: {}\n`, want: [["MS2305", 6, 3]], hint: /refer to it from an issuer/ }],
  ["used by an issuer: fine", { given: `${HEADER}authorities:\n  ca1:\n    generate: ${generate()}\nissuers:\n  ca1: { ca: { authority: ca1 } }\nservices:\n  - { name: api, namespace: shop, certificate: { issuer: ca1 } }\n`, want: [] }],
  ["the mesh plug-in CA without an intermediate", { given: `${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2, owned: true, certificateAuthority: m }\nauthorities:\n  m:\n    generate: { keyAlgorithm: ECDSA-P256, subject: "CN=m root CA", validityDays: 790, intermediate: false }\nmtls: {}\n`, want: [["MS2306", 9, 101]], hint: /intermediate: true/ }],
  ["an intermediate that expires as its root enters the rotation window", { given: `${HEADER}authorities:\n  ca1:\n    generate: ${generate(", intermediateValidityDays: 395")}\nissuers:\n  ca1: { ca: { authority: ca1 } }\nmtls: {}\n`, want: [["MS2307", 7, 133]], hint: /intermediateValidityDays: 790/ }],
  ["the default intermediate lives as long as the root: fine", { given: `${HEADER}authorities:\n  ca1:\n    generate: ${generate()}\nissuers:\n  ca1: { ca: { authority: ca1 } }\nmtls: {}\n`, want: [] }],
];

for (const [name, { given, want, hint }] of cases) {
  test(name, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want);
    if (hint) assert.match(result.diagnostics[0]?.hint ?? "", hint);
  });
}

test.run();
