import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import type { Document } from "yaml";
import type { Diagnostic, LinePos } from "../diagnostics/diagnostic.js";
import { diagnostic, say } from "../diagnostics/messages.js";
import { SourceMap } from "../load/source-map.js";
import { compareText } from "../util/compare.js";

/** Where a manifest file came from: the compiled output, its patches Component, `--with`, or the Secrets directory. */
export type SourceRole = "resource" | "patch" | "with" | "secrets";

/** One manifest file to read: its name as reported in diagnostics, its text, and its role. */
export interface ManifestFile {
  file: string;
  text: string;
  role: SourceRole;
}

/** One YAML document of a manifest file, parsed, with what is needed to point at its fields. */
export interface ManifestDocument {
  file: string;
  role: SourceRole;
  object: Record<string, unknown>;
  locate: (path: readonly (string | number)[]) => { start: LinePos; end: LinePos };
}

/**
 * Read every YAML file below a directory, sorted by path. A directory that cannot be read is a problem (MS5001):
 * verify cannot model it, so the problems are usage-level. Files listed as `patches` of a kustomize Component
 * are partial objects (role `patch`); the rest of a compiled output directory are whole resources.
 */
export function readManifestDir(dir: string, role: "output" | "with" | "secrets"): { files: ManifestFile[]; problems: Diagnostic[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { files: [], problems: [diagnostic(say.MS5001(dir), { file: dir })] };
  const paths: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) paths.push(full);
    }
  };
  walk(dir);
  paths.sort();
  const texts = new Map(paths.map((p) => [relative(dir, p).split(sep).join("/"), readFileSync(p, "utf8")]));
  const files = classifyFiles(texts, role).map((f) => ({ ...f, file: join(dir, f.file) }));
  return { files, problems: [] };
}

/**
 * Give each file of a tree (relative path → text) its role. In the compiled output, the files a kustomize
 * Component lists under `patches` are patches; in `--with` and the Secrets directory everything is whole.
 */
export function classifyFiles(tree: ReadonlyMap<string, string>, role: "output" | "with" | "secrets"): ManifestFile[] {
  const patchFiles = new Set<string>();
  if (role === "output") {
    for (const [path, text] of tree) {
      if (!/(^|\/)kustomization\.ya?ml$/.test(path)) continue;
      const base = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
      for (const doc of parseAllDocuments(text)) {
        const value = (doc as Document).toJS() as Record<string, unknown> | null;
        if (value?.["kind"] !== "Component" && value?.["kind"] !== "Kustomization") continue;
        for (const patch of (value["patches"] as { path?: unknown }[] | undefined) ?? []) {
          if (typeof patch?.path === "string") patchFiles.add(base + patch.path);
        }
        for (const patch of (value["patchesStrategicMerge"] as unknown[] | undefined) ?? []) {
          if (typeof patch === "string") patchFiles.add(base + patch);
        }
      }
    }
  }
  return [...tree.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([file, text]) => ({ file, text, role: role === "output" ? (patchFiles.has(file) ? "patch" : "resource") : role }));
}

/** Parse the files into documents; kustomizations and YAML that is not a Kubernetes object are skipped; YAML that does not parse is a problem (MS5002). */
export function parseManifests(files: readonly ManifestFile[]): { documents: ManifestDocument[]; problems: Diagnostic[] } {
  const documents: ManifestDocument[] = [];
  const problems: Diagnostic[] = [];
  for (const f of files) {
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(f.text, { lineCounter });
    const source = new SourceMap(f.text, lineCounter);
    if (!Array.isArray(docs)) continue; // an empty stream
    for (const doc of docs) {
      const error = doc.errors[0];
      if (error) {
        problems.push(diagnostic(say.MS5002(error.message.split("\n")[0] ?? ""), { file: f.file, range: source.rangeOf(error.pos[0], error.pos[1]) }));
        continue;
      }
      const object = doc.toJS({ maxAliasCount: 100 }) as unknown;
      if (!isObject(object) || typeof object["apiVersion"] !== "string" || typeof object["kind"] !== "string") continue;
      if (object["apiVersion"].startsWith("kustomize.config.k8s.io/")) continue;
      const located = new SourceMap(f.text, lineCounter);
      located.attach(doc);
      // `kind: List` (as `oc get -o yaml` writes it): each item is an object of its own.
      const items = object["kind"] === "List" && Array.isArray(object["items"]) ? object["items"] : undefined;
      if (items) {
        for (const [i, item] of items.entries()) {
          if (isObject(item) && typeof item["apiVersion"] === "string" && typeof item["kind"] === "string") {
            documents.push({ file: f.file, role: f.role, object: item, locate: (path) => located.locate(["items", i, ...path]) });
          }
        }
        continue;
      }
      documents.push({ file: f.file, role: f.role, object, locate: (path) => located.locate(path) });
    }
  }
  return { documents, problems };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
