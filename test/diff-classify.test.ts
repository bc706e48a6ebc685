import { test } from "uvu";
import * as assert from "uvu/assert";
import { CLASSIFICATION, directionOf, durationHours } from "../src/diff/classify.js";
import type { Direction, Property } from "../src/diff/classify.js";
import { compareVerified } from "../src/diff/compare.js";
import type { VerifyPath } from "../src/verify/rule.js";

test("every row of the table has exactly one of weakening, strengthening, neutral (disruptive comes on top)", () => {
  for (const [property, rules] of Object.entries(CLASSIFICATION)) {
    assert.ok(Object.keys(rules).length > 0, property);
    for (const [direction, rule] of Object.entries(rules)) {
      const base = rule.classes.filter((c) => c !== "disruptive");
      assert.is(base.length, 1, `${property} ${direction}: ${rule.classes.join(",")}`);
      assert.ok(rule.why.length > 8, `${property} ${direction} has a why`);
    }
  }
});

// property, before, after → direction (the strength orders of DESIGN.md "diff").
const DIRECTIONS: Array<[Property, string | undefined, string | undefined, Direction | undefined]> = [
  ["encryption", "mTLS", "TLS", "lowered"],
  ["encryption", "plain", "TLS", "raised"],
  ["mtlsMode", "STRICT", "PERMISSIVE", "lowered"],
  ["mtlsMode", "DISABLE", "STRICT", "raised"],
  ["exposure", "internal", "external", "lowered"],
  ["exposure", "reencrypt", "passthrough", "changed"],
  ["plainHttp", "Redirect", "Allow", "lowered"],
  ["plainHttp", "Redirect", "None", "changed"],
  ["minVersion", "TLSv1_2", "TLSv1_3", "raised"],
  ["maxVersion", "TLSv1_3", "TLSv1_2", "lowered"],
  ["keyAlgorithm", "ECDSA-P256", "RSA-2048", "lowered"],
  ["keyAlgorithm", "RSA-3072", "ECDSA-256", "changed"],
  ["keyAlgorithm", "RSA-2048", "ECDSA-P384", "raised"],
  ["validity", "2160h0m0s", "8760h0m0s", "lowered"],
  ["validity", "790d", "400d", "raised"],
  ["withoutIdentity", "denied", "admitted on port 8443 (the router)", "lowered"],
  ["cipherSuite", undefined, "allowed", "added"],
  ["trustAnchor", "trusted", undefined, "removed"],
  ["rotationPhase", "none", "trust-both (next b)", "started"],
  ["rotationPhase", "trust-both (next b)", "issue-new (next b)", "advanced"],
  ["rotationPhase", "trust-both (next b)", "drop-old (next b)", "skipped"],
  ["rotationPhase", "issue-new (next b)", "trust-both (next b)", "reversed"],
  ["rotationPhase", "issue-new (next b)", "none", "reversed"],
  ["rotationPhase", "drop-old (next b)", "none", "finished"],
  ["host", "a.example.com", "a.example.com", undefined],
  ["host", "a.example.com", "b.example.com", "changed"],
];
for (const [property, before, after, want] of DIRECTIONS) {
  test(`direction of ${property}: ${before ?? "—"} → ${after ?? "—"} is ${want ?? "no change"}`, () => {
    assert.is(directionOf(property, before, after), want);
  });
}

test("durations: Go and policy forms", () => {
  assert.is(durationHours("2160h0m0s"), 2160);
  assert.is(durationHours("90d"), 2160);
  assert.is(durationHours("1h30m"), 1.5);
  assert.is(durationHours("soon"), undefined);
});

const path = (result: VerifyPath["result"], reason?: string): VerifyPath => ({ rule: "route-trust", from: "router (Route shop/api)", to: "pods of Service shop/api", port: "-", client: "trusts the Service CA", server: "presents issuer internal", result, ...(reason ? { reason } : {}) });
test("verify's paths: a path that becomes broken is disruptive, a repaired one strengthening, an unchanged one nothing", () => {
  const broke = compareVerified([path("ok")], [path("broken", "the router does not trust the pod's issuer")]);
  assert.equal(broke.map((c) => [c.path, c.class, c.after]), [["router (Route shop/api) → pods of Service shop/api", ["neutral", "disruptive"], "broken: the router does not trust the pod's issuer"]]);
  assert.equal(compareVerified([path("broken")], [path("ok")])[0]?.class, ["strengthening"]);
  assert.equal(compareVerified([path("ok")], [path("ok")]), []);
  assert.equal(compareVerified([], [path("broken")])[0]?.class, ["neutral", "disruptive"], "a new path that is broken");
});

test.run();
