// Regenerates docs/reference.md and schemas/mesh-security.overlay.schema.json (from the schema) and docs/diagnostics.md (from the code table and
// test/fixtures/diagnostic-examples.ts). test/docs.test.ts fails when they are stale.
import { writeFileSync } from "node:fs";
import { buildDocs } from "../test/helpers/docs.js";

for (const [path, content] of await buildDocs()) {
  writeFileSync(path, content);
  console.log(`wrote ${path}`);
}
