import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { sortDiagnostics } from "../diagnostics/format.js";
import { diagnostic } from "../diagnostics/messages.js";
import { buildMeshModel } from "./mesh-model.js";
import { classifyFiles, parseManifests, readManifestDir } from "./manifests.js";
import type { ManifestFile } from "./manifests.js";
import { ObjectIndex, locate } from "./object-index.js";
import { VERIFY_RULES } from "./registry.js";
import type { VerifyPath, VerifyRule } from "./rule.js";

/** What verify found: the path table, diagnostics for broken paths, and whether the input could be read at all. */
export interface VerifyResult {
  paths: VerifyPath[];
  diagnostics: Diagnostic[];
  /** True when an input could not be read or parsed (a usage-level failure, exit 2). */
  unreadable: boolean;
}

/** Directories to verify: the compiled output, the application's own manifests, the separate Secrets. */
export interface VerifyInput {
  output: string;
  with?: readonly string[];
  secrets?: string;
}

/** Read the directories and model their consumers. */
export function verifyDirectories(input: VerifyInput): VerifyResult {
  const reads = [readManifestDir(input.output, "output"), ...(input.with ?? []).map((d) => readManifestDir(d, "with")), ...(input.secrets ? [readManifestDir(input.secrets, "secrets")] : [])];
  return verifyFiles(reads.flatMap((r) => r.files), reads.flatMap((r) => r.problems));
}

/** Model an in-memory output tree (relative path → text), as `explain` does for the compiled policy. */
export function verifyTree(tree: ReadonlyMap<string, string>, extra: readonly ManifestFile[] = []): VerifyResult {
  return verifyFiles([...classifyFiles(tree, "output"), ...extra], []);
}

/** Model the consumers of a set of manifest files; `problems` are those of reading them (MS5001), which stop verify. */
export function verifyFiles(files: readonly ManifestFile[], problems: readonly Diagnostic[] = [], rules: readonly VerifyRule[] = VERIFY_RULES): VerifyResult {
  const parsed = parseManifests(files);
  const loadProblems = [...problems, ...parsed.problems];
  if (loadProblems.length > 0) return { paths: [], diagnostics: sortDiagnostics(loadProblems), unreadable: true };
  const index = new ObjectIndex(parsed.documents);
  const mesh = buildMeshModel(index);
  const paths: VerifyPath[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const out = rule.run({ index, mesh });
    paths.push(...out.paths);
    for (const { object, path, ...said } of out.findings) {
      const where = locate(object, path);
      const key = `${said.code}|${where.file}|${where.path.join(".")}|${said.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(diagnostic(said, where));
    }
  }
  return { paths: dedupePaths(paths), diagnostics: sortDiagnostics(diagnostics), unreadable: false };
}

function dedupePaths(paths: readonly VerifyPath[]): VerifyPath[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when some path is broken (exit 1). */
export function hasBrokenPaths(result: VerifyResult): boolean {
  return result.paths.some((p) => p.result === "broken") || result.diagnostics.some((d) => d.severity === "error");
}
