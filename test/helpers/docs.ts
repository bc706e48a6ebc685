import { renderDiagnostics, renderReference } from "../../src/docs/generate-docs.js";
import { policySchema } from "../../src/validate/schema-check.js";
import { overlaySchema } from "../../src/load/overlay-schema.js";
import { DIAGNOSTIC_EXAMPLES } from "../fixtures/diagnostic-examples.js";
import { compilePolicy } from "../../src/compile.js";
import { formatDiagnostics } from "../../src/diagnostics/format.js";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The generated docs, path → content. */
export async function buildDocs(): Promise<Map<string, string>> {
  const examples = new Map<string, string>();
  const dir = mkdtempSync(join(tmpdir(), "ms-docs-"));
  try {
    for (const [code, policy] of Object.entries(DIAGNOSTIC_EXAMPLES)) {
      const file = join(dir, "mesh-security.yaml");
      writeFileSync(file, policy);
      const result = await compilePolicy({ policyFile: file });
      const relevant = result.diagnostics.filter((d) => d.code === code).map((d) => ({ ...d, file: "mesh-security.yaml" }));
      const text = formatDiagnostics(relevant, "text", new Map([["mesh-security.yaml", policy]]), { color: false });
      examples.set(code, `# mesh-security.yaml\n${policy}\n$ mesh-security validate\n${text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return new Map([
    ["docs/reference.md", renderReference(policySchema())],
    ["docs/diagnostics.md", renderDiagnostics(examples)],
    ["schemas/mesh-security.overlay.schema.json", `${JSON.stringify(overlaySchema(policySchema() as Record<string, unknown>), null, 2)}\n`],
  ]);
}
