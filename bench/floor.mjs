// The floor: what any tool pays to turn these objects into files. Start Node, import `yaml`, read the
// objects (already final: decorated, keys in output order), serialize each with the same options as
// mesh-security (including its cheaper `directives: false`), and write one file each, synchronously
// (bench/results.md shows how that compares with writes in flight). Usage: node bench/floor.mjs OBJECTS.json OUTDIR
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Document } from "yaml";

const [objectsFile = "", outDir = ""] = process.argv.slice(2);
/** @type {{ path: string, header: string, object: unknown }[]} */
const entries = JSON.parse(readFileSync(objectsFile, "utf8"));
const made = new Set();
for (const { path, header, object } of entries) {
  const text = header + new Document(object, { version: "1.1" }).toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true, directives: false });
  const target = join(outDir, path);
  const parent = dirname(target);
  if (!made.has(parent)) {
    mkdirSync(parent, { recursive: true });
    made.add(parent);
  }
  writeFileSync(target, text);
}
