import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MARKER } from "../src/write/write-dir.js";
import { compileExample, diagnosticsText, exampleCases, EXAMPLES_DIR, readTree } from "./helpers/examples.js";

// Golden examples: the compiled output must equal the committed expected/ tree byte for byte.
// Refresh with `npm run golden:update` and review the diff.
for (const name of exampleCases()) {
  test(`example ${name}`, async () => {
    const dir = join(EXAMPLES_DIR, name);
    const result = await compileExample(name);
    const diagnosticsFile = join(dir, "expected.diagnostics.txt");
    const expectedDiagnostics = existsSync(diagnosticsFile) ? readFileSync(diagnosticsFile, "utf8") : "";
    assert.fixture(diagnosticsText(result), expectedDiagnostics, "diagnostics differ from expected.diagnostics.txt");
    const expected = readTree(join(dir, "expected"));
    expected.delete(MARKER);
    const actual = result.tree?.files ?? new Map<string, string>();
    assert.equal([...actual.keys()].sort(), [...expected.keys()], "file list differs from expected/");
    for (const [path, content] of expected) assert.fixture(actual.get(path) ?? "", content, `${name}/expected/${path}`);
  });
}

// The CLI renders with the templates the build precompiled (dist/render/builtin-templates.cjs); the
// tests above compile them from templates/. Both must give the same bytes.
test("the build's precompiled templates give every example's expected output", async () => {
  const dist = "../dist/render/render.js";
  const { Renderer } = (await import(dist)) as typeof import("../src/render/render.js");
  const ids = readdirSync("templates", { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => readdirSync(join("templates", e.name)).map((f) => `${e.name}/${f.replace(/\.yaml\.hbs$/, "")}`));
  const precompiled = createRequire(import.meta.url)("../dist/render/builtin-templates.cjs") as Record<string, unknown>;
  assert.equal(Object.keys(precompiled).sort(), ids.sort(), "every built-in template is precompiled");
  for (const name of exampleCases()) {
    const result = await compileExample(name, "report", { renderer: new Renderer() });
    const expected = readTree(join(EXAMPLES_DIR, name, "expected"));
    expected.delete(MARKER);
    const actual = result.tree?.files ?? new Map<string, string>();
    assert.equal([...actual.keys()].sort(), [...expected.keys()], `${name}: file list differs from expected/`);
    for (const [path, content] of expected) assert.fixture(actual.get(path) ?? "", content, `${name}/expected/${path}`);
  }
});

// validate stops once every object has a path (placeOnly): the same diagnostics, no files laid out.
test("placeOnly reports every example's diagnostics", async () => {
  for (const name of exampleCases()) {
    const full = await compileExample(name);
    const placed = await compileExample(name, "report", { placeOnly: true });
    assert.equal(placed.diagnostics, full.diagnostics, name);
    assert.not.ok(placed.tree, name);
  }
});

test("there are examples", () => {
  assert.ok(exampleCases().length > 0);
});

test.run();
