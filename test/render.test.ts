import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { PlannedObject } from "../src/plan/planned-object.js";
import { Renderer } from "../src/render/render.js";
import { toYaml } from "../src/write/canonical-yaml.js";

const planned = (values: Record<string, unknown>, overrides: Partial<PlannedObject> = {}): PlannedObject => ({
  target: "service-ca",
  template: "service-ca/cabundle-configmap",
  values: { name: "bundle", namespace: "demo", annotations: { a: "b" }, ...values },
  apiVersion: "v1",
  kind: "ConfigMap",
  name: String(values["name"] ?? "bundle"),
  namespace: "demo",
  role: "resource",
  wave: 0,
  reason: "test",
  source: [],
  ...overrides,
});

function templatesWith(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ms-tpl-"));
  mkdirSync(join(dir, "t"));
  writeFileSync(join(dir, "t", "x.yaml.hbs"), source);
  return dir;
}

// Hostile values: each must come out as the same string value, never as structure.
const HOSTILE = [
  "a\nkind: Secret",
  "x\n---\napiVersion: v1\nkind: Secret",
  "key: value",
  '"quoted" \'single\'',
  "{{y name}}",
  "- item",
  "# comment",
  "&anchor *alias",
  "!!binary AAAA",
  "<script>&amp;</script>",
  "\u2028line separator\u0085",
  "yes",
  "0755",
];

for (const value of HOSTILE) {
  test(`value ${JSON.stringify(value)} stays one scalar`, async () => {
    const renderer = new Renderer();
    const result = await renderer.render(planned({ annotations: { "example.com/note": value } }));
    assert.ok(result.value, result.finding?.message);
    const metadata = result.value?.object["metadata"] as Record<string, Record<string, string>>;
    assert.is(metadata["annotations"]?.["example.com/note"], value);
    assert.equal(Object.keys(result.value?.object ?? {}).sort(), ["apiVersion", "kind", "metadata"]);
    // and survives the writer's YAML too
    const { parse } = await import("yaml");
    const reparsed = parse(toYaml(result.value?.object), { version: "1.1" }) as Record<string, Record<string, Record<string, string>>>;
    assert.is(reparsed["metadata"]?.["annotations"]?.["example.com/note"], value);
  });
}

test("a name that tries to become another object is caught by the parse-back check", async () => {
  const renderer = new Renderer();
  const result = await renderer.render(planned({ name: "evil" }, { name: "bundle" }));
  assert.is(result.finding?.code, "MS4004");
  assert.match(result.finding?.message ?? "", /metadata\.name/);
});

for (const [name, source, pattern] of [
  ["raw mustache", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{name}}\n", /\{\{name\}\}/],
  ["triple stash", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{name}}}\n", /\{\{name\}\}/],
  ["partial", "{{> other}}\n", /partials/],
  ["custom block helper", "{{#lookup x}}{{/lookup}}\n", /block helper/],
] as const) {
  test(`user template with ${name} is refused`, async () => {
    const dir = templatesWith(source);
    const result = await new Renderer(dir).render(planned({}, { template: "t/x" }));
    assert.is(result.finding?.code, "MS4004");
    assert.match(result.finding?.message ?? "", pattern);
    rmSync(dir, { recursive: true });
  });
}

for (const [name, source] of [
  ["two documents", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{y name}}\n  namespace: demo\n---\napiVersion: v1\nkind: Secret\n"],
  ["wrong kind", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{y name}}\n  namespace: demo\n"],
  ["a list", "- {{y name}}\n"],
  ["broken YAML", "apiVersion: v1\nkind: [\n"],
] as const) {
  test(`user template rendering ${name} is refused`, async () => {
    const dir = templatesWith(source);
    const result = await new Renderer(dir).render(planned({}, { template: "t/x" }));
    assert.is(result.finding?.code, "MS4004", result.finding?.message);
    rmSync(dir, { recursive: true });
  });
}

test("values are put back after parsing: in key position, inside a longer scalar, and never parsed", async () => {
  const dir = templatesWith('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{y name}}\n  namespace: demo\ndata:\n  {{y key}}: {{y value}}\n  label: prefix-{{y name}}\n');
  const renderer = new Renderer(dir);
  for (const value of ["a\nb: c", "---\nkind: Secret", "!!binary x"]) {
    const result = await renderer.render(planned({ name: "bundle", key: "k.pem", value }, { template: "t/x" }));
    assert.equal(result.value?.object["data"], { "k.pem": value, label: 'prefix-"bundle"' });
  }
  rmSync(dir, { recursive: true });
});

test("a missing template is reported", async () => {
  const dir = templatesWith("x: 1\n");
  const result = await new Renderer(dir).render(planned({}, { template: "t/missing" }));
  assert.is(result.finding?.code, "MS4006");
  rmSync(dir, { recursive: true });
});

test.run();
