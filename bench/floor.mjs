// The floor: what any tool pays to turn these objects into files. Start Node, read the objects
// (already final: decorated, keys in output order), serialize each, and write one file each,
// synchronously (bench/results.md shows how that compares with writes in flight). By default each
// object is serialized by `yaml` with the same options as mesh-security (including its cheaper
// `directives: false`); with `own`, by mesh-security's own emitter (dist's toYaml, after npm run
// build), which compile can beat the yaml floor with: what compile pays at the least.
// Usage: node bench/floor.mjs OBJECTS.json OUTDIR [own]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [objectsFile = "", outDir = "", serializer = "yaml"] = process.argv.slice(2);
/** @type {(object: unknown) => string} */
let serialize;
if (serializer === "own") {
  ({ toYaml: serialize } = await import("../dist/write/canonical-yaml.js"));
} else {
  const { Document } = await import("yaml");
  serialize = (object) => new Document(object, { version: "1.1" }).toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true, directives: false });
}
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
  writeFileSync(target, header + serialize(object));
}
