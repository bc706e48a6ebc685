import { test } from "uvu";
import * as assert from "uvu/assert";
import { VERIFY_RULES } from "../src/verify/registry.js";
import type { VerifyRule } from "../src/verify/rule.js";
import { certificate, port, route, svc } from "./fixtures/verify-objects.js";
import { findingsOf, verifyText } from "./helpers/verify.js";
import type { RuleCase } from "./helpers/verify.js";
import { HOP_TABLES } from "./fixtures/verify-hop-cases.js";
import { RULE_TABLES } from "./fixtures/verify-rule-cases.js";

const TABLES: Array<[VerifyRule, RuleCase[]]> = [...RULE_TABLES, ...HOP_TABLES];

for (const [rule, cases] of TABLES) {
  for (const c of cases) {
    test(`${rule.id}: ${c.want.length === 0 ? "valid" : "invalid"}: ${c.name}`, () => {
      const result = verifyText(c.files, [rule]);
      assert.equal(findingsOf(result), c.want);
      for (const d of result.diagnostics) assert.ok(rule.codes.includes(d.code), `${d.code} is not declared by ${rule.id}`);
      if (c.results) assert.equal(result.paths.filter((p) => p.rule === rule.id).map((p) => p.result), c.results, JSON.stringify(result.paths, null, 1));
      for (const p of result.paths) if (p.result === "not checked") assert.match(p.reason ?? "", /pass `--|not modelled/, `not checked without naming the input: ${p.reason ?? ""}`);
      if (c.want.some(([code]) => code !== "MS5022")) assert.ok(result.paths.some((p) => p.result === "broken"), "an error finding comes with a broken path");
    });
  }
}

test("every rule is registered, declares its codes, names what it models, and has valid and invalid cases", () => {
  assert.equal(VERIFY_RULES.map((r) => r.id).sort(), TABLES.map(([r]) => r.id).sort());
  for (const [rule, cases] of TABLES) {
    assert.ok(rule.models.length > 10 && rule.reads.length > 0, rule.id);
    assert.ok(cases.some((c) => c.want.length === 0) && cases.some((c) => c.want.length > 0), rule.id);
    for (const code of rule.codes) assert.ok(cases.some((c) => c.want.some(([w]) => w === code)), `${rule.id}: no invalid case for ${code}`);
  }
});

test("unreadable input: MS5002 with a position, and no paths", () => {
  const result = verifyText({ "bad.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: [\n" });
  assert.ok(result.unreadable);
  assert.equal(result.diagnostics.map((d) => d.code), ["MS5002"]);
  assert.ok((result.diagnostics[0]?.range?.start.line ?? 0) >= 3);
});

test("a kind: List from --with is read item by item, with positions inside the list", () => {
  const list = `apiVersion: v1\nkind: List\nitems:\n${svc("api", "shop", port("https", 443, 8443)).replace(/^/gm, "  ").replace(/^  apiVersion/, "- apiVersion").trimEnd()}\n`;
  const result = verifyText({ "with:list.yaml": list, "r.yaml": route("api", "shop", "443") });
  assert.equal(findingsOf(result), [["MS5010", "r.yaml:10"]]);
  assert.equal(result.paths.map((p) => p.result), ["broken"]);
});

test("output is deterministic: file order does not change paths or diagnostics", () => {
  const files = { "a.yaml": certificate("a", "shop", "tls", "x"), "b.yaml": certificate("b", "shop", "tls", "x"), "r.yaml": route("api", "shop", "443"), "with:s.yaml": svc("api", "shop", port("https", 443, 8443)) };
  const reversed = Object.fromEntries(Object.entries(files).reverse());
  assert.equal(JSON.stringify(verifyText(files)), JSON.stringify(verifyText(reversed)));
});

test.run();
