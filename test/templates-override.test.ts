import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BUILTIN_TEMPLATES } from "../src/render/render.js";
import { compileText, HEADER, objects } from "./helpers/policy.js";

// --templates DIR overrides exactly the templates DIR holds; every other one stays built in.
const POLICY = `${HEADER}services:\n  - { name: api, namespace: shop, selector: { app: api } }\ncaBundles:\n  - { kind: ConfigMap, name: bundle, namespace: shop }\n`;

function overrideDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ms-override-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const builtin = (id: string): string => readFileSync(join(BUILTIN_TEMPLATES, `${id}.yaml.hbs`), "utf8");

test("one template in DIR replaces its built-in twin; the others stay built in", async () => {
  const dir = overrideDir({ "service-ca/service.yaml.hbs": builtin("service-ca/service").replace("spec:\n", "spec:\n  sessionAffinity: ClientIP\n") });
  try {
    const plain = await compileText(POLICY);
    const custom = await compileText(POLICY, { templatesDir: dir });
    assert.equal(custom.diagnostics, []);
    const before = plain.tree?.files ?? new Map<string, string>();
    const after = custom.tree?.files ?? new Map<string, string>();
    assert.equal([...after.keys()], [...before.keys()]);
    const changed = [...after.keys()].filter((path) => after.get(path) !== before.get(path));
    assert.equal(changed, ["shop/service-api.yaml"]);
    assert.is((objects(custom).get("shop/service-api.yaml")?.["spec"] as Record<string, unknown>)["sessionAffinity"], "ClientIP");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an override passes the same safety checks as a built-in template", async () => {
  const unsafe = overrideDir({ "service-ca/cabundle-configmap.yaml.hbs": builtin("service-ca/cabundle-configmap").replace("name: {{y name}}", "name: {{name}}") });
  const twoKinds = overrideDir({ "service-ca/service.yaml.hbs": builtin("service-ca/service").replace("kind: Service", "kind: Secret") });
  try {
    const refused = await compileText(POLICY, { templatesDir: unsafe });
    assert.equal(refused.diagnostics.map((d) => d.code), ["MS4004"]);
    assert.match(refused.diagnostics[0]?.message ?? "", /values must be written with \{\{y value\}\}/);
    assert.not.ok(refused.tree);
    const other = await compileText(POLICY, { templatesDir: twoKinds });
    assert.equal(other.diagnostics.map((d) => d.code), ["MS4004"]);
    assert.match(other.diagnostics[0]?.message ?? "", /rendered a different object: kind "Secret"/);
  } finally {
    rmSync(unsafe, { recursive: true, force: true });
    rmSync(twoKinds, { recursive: true, force: true });
  }
});

test("a file in DIR that replaces nothing is a warning with the closest name (MS4011)", async () => {
  const dir = overrideDir({ "service-ca/servce.yaml.hbs": builtin("service-ca/service"), "notes/readme.yaml.hbs": "x: 1\n" });
  try {
    const result = await compileText(POLICY, { templatesDir: dir });
    assert.equal(result.diagnostics.map((d) => [d.code, d.severity]), [["MS4011", "warning"], ["MS4011", "warning"]]);
    const typo = result.diagnostics.find((d) => d.message.includes("service-ca/servce.yaml.hbs"));
    assert.is(typo?.hint, "did you mean service-ca/service.yaml.hbs?");
    assert.ok(result.tree, "a warning does not stop the compile");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a --templates directory that cannot be read is refused (MS4006)", async () => {
  const missing = await compileText(POLICY, { templatesDir: join(tmpdir(), "ms-no-such-templates-dir") });
  assert.equal([...new Set(missing.diagnostics.map((d) => d.code))], ["MS4006"]);
  assert.match(missing.diagnostics[0]?.message ?? "", /cannot be read: ENOENT/);
  assert.not.ok(missing.tree);
  const dir = overrideDir({});
  const file = join(dir, "plain-file");
  writeFileSync(file, "");
  const notDir = await compileText(POLICY, { templatesDir: file });
  assert.match(notDir.diagnostics[0]?.message ?? "", /is not a directory/);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
