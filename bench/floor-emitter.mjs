// The floor with mesh-security's own serializer: like bench/floor.mjs (start Node, read the final
// objects, write one file each, synchronously), but each object is written by dist's toYaml (the
// emitter compile uses) instead of the yaml library. compile can beat bench/floor.mjs, whose yaml
// serializing is slower than that emitter; this floor is what compile pays at the least with it.
// Usage: node bench/floor-emitter.mjs OBJECTS.json OUTDIR (after npm run build)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { toYaml } from "../dist/write/canonical-yaml.js";

const [objectsFile = "", outDir = ""] = process.argv.slice(2);
/** @type {{ path: string, header: string, object: unknown }[]} */
const entries = JSON.parse(readFileSync(objectsFile, "utf8"));
const made = new Set();
for (const { path, header, object } of entries) {
  const target = join(outDir, path);
  const parent = dirname(target);
  if (!made.has(parent)) {
    mkdirSync(parent, { recursive: true });
    made.add(parent);
  }
  writeFileSync(target, header + toYaml(object));
}
