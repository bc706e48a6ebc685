import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { objectFilePrefix } from "./file-names.js";
import { readExistingOutput } from "./write-dir.js";

/**
 * The objects of the given kinds mesh-security wrote last time into `dir`, by `kind/namespace/name`,
 * for rules that compare with the previous state (mTLS migration). Unreadable or foreign files are
 * ignored. Only files named after one of the kinds (file-names.ts, as the output tree names them) are
 * read: parsing the whole previous output back cost more than the rest of a compile.
 * Without `kinds`, every object (tests, tools).
 */
export async function readPreviousObjects(dir: string, kinds?: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const objects = new Map<string, Record<string, unknown>>();
  const existing = await readExistingOutput(resolve(dir));
  if ("finding" in existing || !existing.owned) return objects;
  const prefixes = (kinds ?? [""]).map((kind) => (kind ? objectFilePrefix(kind) : ""));
  for (const path of existing.owned) {
    if (!path.endsWith(".yaml") || path.startsWith("patches/")) continue;
    if (!prefixes.some((prefix) => basename(path).startsWith(prefix))) continue;
    let text: string;
    try {
      text = await readFile(join(dir, path), "utf8");
    } catch {
      continue;
    }
    for (const doc of parseAllDocuments(text, { version: "1.1" })) {
      if (!("toJS" in doc) || doc.errors.length > 0) continue;
      const object = doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown> | null;
      const metadata = (object?.["metadata"] ?? {}) as { name?: string; namespace?: string };
      if (typeof object?.["kind"] === "string" && (kinds ?? [object["kind"]]).includes(object["kind"]) && metadata.name) objects.set(`${object["kind"]}/${metadata.namespace ?? ""}/${metadata.name}`, object);
    }
  }
  return objects;
}
