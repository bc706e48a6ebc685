import { constants } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { DiagnosticCode } from "../diagnostics/codes.js";
import { say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";

// File-system primitives of the state directory: no symbolic link is followed, files are created
// with their final mode and fsynced, and every problem found while reading is a `Broken` saying what is wrong.

/** The codes a stored authority can be broken with (see src/diagnostics/codes.ts). */
export type StateProblemCode = Extract<DiagnosticCode, "MS3001" | "MS3002" | "MS3003" | "MS3004" | "MS3008" | "MS3009" | "MS3010" | "MS3011">;

// A CA certificate or key is a few KiB; anything far larger is not ours.
const MAX_FILE_BYTES = 1 << 20;

/**
 * A problem with stored material: what it says (after the authority's name when the reader knows
 * which authority it reads) and the file concerned.
 */
export class Broken extends Error {
  constructor(
    readonly said: Said<StateProblemCode>,
    readonly file: string,
  ) {
    super(said.message);
  }
}

/** Read a small regular file without following a symbolic link; undefined when absent. `authority`: whose file it is, if any. */
export async function readStateFile(path: string, kind: "public" | "key", authority?: string): Promise<string | undefined> {
  let handle;
  try {
    // O_NONBLOCK so that a FIFO planted in the directory cannot hang the compiler on open.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new Broken(say.MS3003(authority, { file: path, problem: { kind: "symbolic-link" } }), path);
    throw new Broken(say.MS3003(authority, { file: path, problem: { kind: "unreadable", reason: code ?? (error as Error).message } }), path);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Broken(say.MS3003(authority, { file: path, problem: { kind: "not-regular" } }), path);
    if (kind === "key" && (stat.mode & 0o077) !== 0) {
      throw new Broken(say.MS3004(authority, { file: path, mode: stat.mode }), path);
    }
    // Another name for the same inode (in a Git work tree, a shared directory) holds the key too.
    if (kind === "key" && stat.nlink > 1) throw new Broken(say.MS3010(authority, { file: path, links: stat.nlink }), path);
    if (stat.size > MAX_FILE_BYTES) throw new Broken(say.MS3003(authority, { file: path, problem: { kind: "too-large", bytes: stat.size } }), path);
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/** True for a real directory, false when absent; a symbolic link or other file is refused. */
export async function isDirectory(path: string, authority?: string): Promise<boolean> {
  try {
    const stat = await lstat(path);
    if (stat.isDirectory()) return true;
    throw new Broken(say.MS3003(authority, { file: path, problem: { kind: "not-directory", symbolicLink: stat.isSymbolicLink() } }), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** mkdir with an exact mode; an existing real directory is fine, a symbolic link is not. */
export async function ensureDirectory(path: string, mode: number): Promise<void> {
  try {
    await mkdir(path, { mode });
    await chmod(path, mode); // mkdir's mode is filtered by the umask
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const stat = await lstat(path);
    if (!stat.isDirectory()) throw new Broken(say.MS3003(undefined, { file: path, problem: { kind: "not-directory", symbolicLink: stat.isSymbolicLink() } }), path);
  }
}

/** A hidden temporary directory in `parent` holding `files`, all fsynced, ready to be renamed. */
export async function stageDirectory(parent: string, name: string, files: ReadonlyArray<[string, string]>, fileMode: number, dirMode: number): Promise<string> {
  const dir = await mkdtemp(join(parent, `.${name}.tmp-`));
  try {
    await chmod(dir, dirMode);
    for (const [file, content] of files) await writeNewFile(join(dir, file), content, fileMode);
    await syncDirectory(dir);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Create a file that must not exist yet, with its final mode from the start, and fsync it. */
export async function writeNewFile(path: string, content: string, mode: number): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    await handle.chmod(mode);
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory, so that renames and creations in it are durable. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
