import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { MAX_POLICY_BYTES } from "../load/load-policy.js";

/**
 * One side of a diff: the policy text, the name diagnostics give it, and a reader for files next to it
 * (CA state; an `extends` chain is read the same way), all at the same revision.
 */
export interface DiffSide {
  /** As given on the command line: `mesh-security.yaml` or `origin/main:clusters/prod/mesh-security.yaml`. */
  spec: string;
  /** The name diagnostics and headers use. */
  file: string;
  text: string;
  /** Read a file relative to the policy's directory at the same revision; undefined when it does not exist. */
  readRelative(relative: string): Promise<string | undefined>;
}

/** `REV:PATH` unless a file of that exact name exists (a path may contain a colon). */
export function parseSideSpec(spec: string, exists: (path: string) => boolean): { type: "file"; path: string } | { type: "git"; rev: string; path: string } {
  const colon = spec.indexOf(":");
  if (colon <= 0 || exists(spec)) return { type: "file", path: spec };
  return { type: "git", rev: spec.slice(0, colon), path: spec.slice(colon + 1) };
}

/** Read one side from the file system or from Git; never throws for bad input. */
export async function readSide(spec: string, cwd: string, fileExists: (path: string) => boolean): Promise<{ value?: DiffSide; diagnostics: Diagnostic[] }> {
  const parsed = parseSideSpec(spec, fileExists);
  if (parsed.type === "file") {
    try {
      const info = await stat(parsed.path);
      if (!info.isFile()) return failure("MS1012", spec, `cannot read ${spec}: not a regular file`);
      if (info.size > MAX_POLICY_BYTES) return failure("MS1012", spec, `cannot read ${spec}: ${info.size} bytes, over the ${MAX_POLICY_BYTES}-byte limit`);
      const text = await readFile(parsed.path, "utf8");
      const dir = dirname(parsed.path);
      return { value: { spec, file: parsed.path, text, readRelative: (rel) => readFile(join(dir, rel), "utf8").catch(() => undefined) }, diagnostics: [] };
    } catch (error) {
      return failure("MS1012", spec, `cannot read ${spec}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
  }
  const shown = await gitShow(cwd, parsed.rev, parsed.path);
  if (!shown.ok) {
    return failure("MS4020", spec, `cannot read ${parsed.path} at ${parsed.rev}: ${shown.message}`, "check the revision (`git rev-parse REV`) and the path; a path with `./` is taken relative to the working directory, otherwise to the repository root");
  }
  const dir = posix.dirname(parsed.path);
  return {
    value: {
      spec,
      file: spec,
      text: shown.text,
      readRelative: async (rel) => {
        const joined = posix.join(dir, rel);
        const read = await gitShow(cwd, parsed.rev, parsed.path.startsWith("./") && !joined.startsWith("../") ? `./${joined}` : joined);
        return read.ok ? read.text : undefined;
      },
    },
    diagnostics: [],
  };
}

/** `git show REV:PATH`, read-only; the revision can name anything Git resolves (a branch, a tag, `HEAD~1`). */
function gitShow(cwd: string, rev: string, path: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    // `--` keeps a revision that starts with `-` from being read as an option.
    execFile("git", ["show", `${rev}:${path}`, "--"], { cwd, maxBuffer: MAX_POLICY_BYTES * 2, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) {
        const first = String(stderr || error.message).trim().split("\n")[0] ?? "";
        resolve({ ok: false, message: first.replace(/^fatal: /, "") || "git failed" });
      } else resolve({ ok: true, text: stdout });
    });
  });
}

function failure(code: "MS1012" | "MS4020", file: string, message: string, hint?: string): { diagnostics: Diagnostic[] } {
  return { diagnostics: [{ code, severity: "error", message, file, path: [], ...(hint ? { hint } : {}) }] };
}
