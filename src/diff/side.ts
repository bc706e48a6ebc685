import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic, say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";
import { DISK_FILES } from "../load/extends.js";
import type { PolicyFiles } from "../load/extends.js";
import { MAX_POLICY_BYTES, PolicyReadError, readPolicyFile } from "../load/load-policy.js";

/**
 * One side of a diff: the policy text, the name diagnostics give it, how its `extends` chain is read and
 * a reader for files next to it (CA state), all at the same revision.
 */
export interface DiffSide {
  /** As given on the command line: `mesh-security.yaml` or `origin/main:clusters/prod/mesh-security.yaml`. */
  spec: string;
  /** The name diagnostics and headers use. */
  file: string;
  text: string;
  /** The policy's `extends` chain, read from the same place (the disk, or the same revision). */
  files: PolicyFiles;
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
      const text = await readPolicyFile(parsed.path);
      const dir = dirname(parsed.path);
      return { value: { spec, file: parsed.path, text, files: DISK_FILES, readRelative: (rel) => readFile(join(dir, rel), "utf8").catch(() => undefined) }, diagnostics: [] };
    } catch (error) {
      const reason = error instanceof PolicyReadError ? error.reason : (error as Error).message;
      return failure(say.MS1012(spec, reason), spec);
    }
  }
  const files = gitFiles(cwd, parsed.rev);
  let text: string;
  try {
    text = await files.read(spec);
  } catch (error) {
    return failure(say.MS4020(parsed.path, parsed.rev, (error as Error).message), spec);
  }
  return { value: { spec, file: spec, text, files, readRelative: (rel) => files.read(files.resolve(spec, rel)).catch(() => undefined) }, diagnostics: [] };
}

/**
 * Files at one revision, named `REV:PATH` like the side itself: an `extends` value resolves against the
 * directory of the file that holds it, at the same revision (DESIGN.md "diff": "an extends chain is read at
 * the same revision").
 */
export function gitFiles(cwd: string, rev: string): PolicyFiles {
  const split = (label: string): string => (label.startsWith(`${rev}:`) ? label.slice(rev.length + 1) : label);
  return {
    read: async (label) => {
      const shown = await gitShow(cwd, rev, split(label));
      if (!shown.ok) throw new PolicyReadError(shown.message);
      return shown.text;
    },
    resolve: (from, ref) => {
      const path = split(from);
      const joined = posix.join(posix.dirname(path), ref);
      // `./` keeps a path relative to the working directory (git show REV:./PATH) when the side was given so.
      return `${rev}:${path.startsWith("./") && !joined.startsWith("../") ? `./${joined}` : joined}`;
    },
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

function failure(said: Said<"MS1012" | "MS4020">, file: string): { diagnostics: Diagnostic[] } {
  return { diagnostics: [diagnostic(said, { file })] };
}
