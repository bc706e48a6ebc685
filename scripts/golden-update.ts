// Rewrites examples/*/expected (and expected.diagnostics.txt): the only way golden files change.
// Review the result with `git diff examples/` before committing.
import { writeFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { hasErrors } from "../src/diagnostics/diagnostic.js";
import { writeOutputDir } from "../src/write/write-dir.js";
import { compileExample, diagnosticsText, exampleCases, EXAMPLES_DIR } from "../test/helpers/examples.js";

for (const name of exampleCases()) {
  const dir = join(EXAMPLES_DIR, name);
  const result = await compileExample(name, "generate");
  const diagnosticsFile = join(dir, "expected.diagnostics.txt");
  const text = diagnosticsText(result);
  if (text) writeFileSync(diagnosticsFile, text);
  else if (existsSync(diagnosticsFile)) rmSync(diagnosticsFile);
  if (hasErrors(result.diagnostics) || !result.tree) {
    rmSync(join(dir, "expected"), { recursive: true, force: true });
    console.log(`${name}: ${result.diagnostics.length} diagnostic(s), no output`);
    continue;
  }
  const findings = await writeOutputDir(join(dir, "expected"), result.tree.files, { force: true });
  if (findings.length > 0) throw new Error(`${name}: ${findings.map((f) => f.message).join("; ")}`);
  console.log(`${name}: ${result.tree.files.size} file(s)${text ? `, ${result.diagnostics.length} diagnostic(s)` : ""}`);
}
