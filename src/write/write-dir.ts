import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, linkSync, openSync, readSync, writeFileSync } from "node:fs";
import { access, chmod, copyFile, lstat, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { Finding } from "../diagnostics/diagnostic.js";
import { fileErrorReason, say } from "../diagnostics/messages.js";
import { compareText } from "../util/compare.js";
import { tryLock } from "../util/lock-file.js";
import { holdsPrivateKey } from "./key-paths.js";
import type { HeldLock } from "../util/lock-file.js";
import { currentProcess, isRunning, processStart } from "../util/process-identity.js";

/** The file that records what mesh-security wrote into a directory (and proves it owns it). */
export const MARKER = ".mesh-security-output.json";
/**
 * The marker of a private (Secrets) directory: without an extension, so that `oc apply -R -f` on that
 * directory does not read it (kubectl reads only `.json`, `.yaml` and `.yml` files of a directory:
 * k8s.io/cli-runtime pkg/resource/builder.go `FileExtensions`, visitor.go `ignoreFile`).
 */
export const PRIVATE_MARKER = ".mesh-security-output";
/** Either marker: a private directory written before it had its own marker name carries the first. */
const MARKERS: ReadonlySet<string> = new Set([MARKER, PRIVATE_MARKER]);

interface Marker {
  generator: "mesh-security";
  files: string[];
}

/** Hooks for fault-injection tests; production code passes nothing. */
export interface WriteHooks {
  writeFile?: (path: string, content: string) => Promise<void>;
  beforeSwap?: () => Promise<void>;
  /** Replaces rename(2) during the swap (to fail one of its steps). */
  rename?: (from: string, to: string) => Promise<void>;
  /** Replaces the removal of the moved-aside previous tree. */
  removeTree?: (path: string) => Promise<void>;
}

/** What is in an output directory now, as far as mesh-security is concerned. */
export interface ExistingOutput {
  exists: boolean;
  /** Files listed in the marker (null when there is no marker). */
  owned: string[] | null;
  /** Every regular file below the directory, relative, sorted. */
  all: string[];
}

/**
 * Replace the contents of `dir` with `files`, atomically: the new tree is staged beside `dir` and
 * swapped in with renames, so a failure at any point before the swap leaves `dir` byte for byte as it
 * was, and an interruption between the two renames is repaired by the next run. Files that
 * mesh-security did not write are carried over; files it wrote before and no longer generates are gone.
 */
export async function writeOutputDir(
  dirArg: string,
  files: ReadonlyMap<string, string>,
  options: { force?: boolean; hooks?: WriteHooks; private?: boolean; privateFiles?: ReadonlySet<string>; locked?: boolean } = {},
): Promise<Finding[]> {
  const dir = resolve(dirArg);
  let lock: HeldLock | undefined;
  if (!options.locked) {
    const taken = await lockOutputDir(dirArg);
    if ("finding" in taken) return [taken.finding];
    lock = taken.lock;
  }
  try {
    return await writeLocked(dirArg, dir, files, options);
  } finally {
    await lock?.release();
  }
}

/**
 * Take the lock beside `dir` (`.<name>.mesh-security-lock`) that keeps two compiles from writing one
 * directory at once; the second gets MS4007 naming the first's pid. A lock left by a dead process is
 * taken over.
 */
export async function lockOutputDir(dirArg: string): Promise<{ lock: HeldLock } | { finding: Finding }> {
  const dir = resolve(dirArg);
  try {
    await mkdir(dirname(dir), { recursive: true });
    const lock = await tryLock(siblingPath(dir, "lock"));
    if ("release" in lock) return { lock };
    return { finding: { ...say.MS4007(dirArg, lock.heldBy, siblingPath(dir, "lock")), path: [] } };
  } catch (error) {
    return { finding: { ...say.MS4003({ lock: dirArg, reason: describe(error) }), path: [] } };
  }
}

async function writeLocked(dirArg: string, dir: string, files: ReadonlyMap<string, string>, options: { force?: boolean; hooks?: WriteHooks; private?: boolean; privateFiles?: ReadonlySet<string> }): Promise<Finding[]> {
  const old = siblingPath(dir, "old");
  try {
    const leftover = await recoverInterruptedSwap(dir, options.hooks);
    if (leftover) return [leftover];
    const existing = await readExistingOutput(dir);
    if ("finding" in existing) return [existing.finding];
    if (existing.exists && existing.owned === null && existing.all.length > 0 && !options.force) {
      return [{ ...say.MS4001(dirArg), path: [] }];
    }
    if (!options.private) {
      const key = await foreignKeyFile(dir, existing, files);
      if (key) return [foreignKeyFinding(dirArg, key)];
    }
    for (const path of files.keys()) {
      const problem = checkRelativePath(path);
      if (problem) return [{ ...say.MS4002({ path, problem }), path: [] }];
    }

    const staging = siblingPath(dir, `new-${stagingTag()}-${randomBytes(6).toString("hex")}`);
    await mkdir(dirname(dir), { recursive: true });
    // Staged closed (0700) whatever the final mode, so nobody opens a key file before its mode is 0600.
    const finalMode = options.private ? 0o700 : await intendedMode(dir);
    await mkdir(staging, { recursive: false, mode: 0o700 });
    try {
      // Private trees (Secrets with keys): files 0600 and directories 0700, like the state directory.
      const mode = options.private ? 0o600 : 0o666;
      const write = options.hooks?.writeFile ?? (async (p: string, c: string) => writeFileSync(p, c, { flag: "wx", mode }));
      const owned = new Set(existing.owned ?? []);
      // The mode each file ends with: what the umask leaves of its creation mode, or 0600 for a
      // key file of an inline tree (chmod below). Only a previous copy with that mode is reused.
      const created = mode & ~process.umask();
      const privateFiles = options.privateFiles ?? new Set<string>();
      const modeOf = (path: string): number => (privateFiles.has(path) ? 0o600 : created);
      await writeStagedFiles(staging, files, write, options.private ? 0o700 : 0o777, { dir, owned, modeOf });
      for (const path of existing.all) {
        if (owned.has(path) || files.has(path) || MARKERS.has(path)) continue;
        const target = join(staging, path);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(join(dir, path), target);
      }
      const marker: Marker = { generator: "mesh-security", files: [...files.keys()].sort() };
      await write(join(staging, options.private ? PRIVATE_MARKER : MARKER), JSON.stringify(marker, null, 2) + "\n");
      for (const path of [...(options.privateFiles ?? [])].sort()) if (files.has(path)) await chmod(join(staging, path), 0o600);
      await chmod(staging, finalMode);
      await options.hooks?.beforeSwap?.();
      return await swapIn(dirArg, dir, staging, old, existing.exists, options.hooks);
    } catch (error) {
      // The staging directory may already carry the output's final mode (read-only): open it first.
      const cleanup = await removeStaging(staging).then(() => undefined, (e: unknown) => e ?? "error");
      if (cleanup === undefined) throw error;
      return [
        { ...say.MS4003({ write: dirArg, reason: describe(error) }), path: [] },
        { ...say.MS4050({ unfinished: staging, reason: describe(cleanup) }), path: [] },
      ];
    }
  } catch (error) {
    return [{ ...say.MS4003({ write: dirArg, reason: describe(error) }), path: [] }];
  }
}

/**
 * Write `files` below `staging`: each directory once (not once per file), then the files one after
 * another with synchronous calls. Writes in flight on libuv's thread pool were slower on every limit
 * measured (bench/write-concurrency.ts, bench/results.md): each file is three small system calls,
 * and handing them to threads cost more than it overlapped.
 *
 * With `reuse`, a file whose previous copy (in the output being replaced) has the very same bytes,
 * mode and owner is hard-linked instead of written: staging stays a complete new tree, the swap is
 * unchanged, and the previous tree is removed as before (which drops the second link). A link costs
 * a twentieth of creating and filling a file. A previous copy with other links (a hard link the user
 * made elsewhere) is never shared, and any error on the way falls back to writing.
 */
export async function writeStagedFiles(
  staging: string,
  files: ReadonlyMap<string, string>,
  write: (path: string, content: string) => Promise<void>,
  dirMode: number,
  reuse?: { dir: string; owned: ReadonlySet<string>; modeOf: (path: string) => number },
): Promise<void> {
  const paths = [...files.keys()].sort();
  for (const directory of new Set(paths.map((path) => dirname(join(staging, path))))) await mkdir(directory, { recursive: true, mode: dirMode });
  for (const path of paths) {
    const content = files.get(path) ?? "";
    const target = join(staging, path);
    if (!(reuse?.owned.has(path) && linkUnchanged(join(reuse.dir, path), target, content, reuse.modeOf(path)))) await write(target, content);
  }
}

/** One buffer the previous copies are read into, grown as needed (not one allocation per file). */
let readBuffer = Buffer.alloc(0);

/** Link `previous` to `target` when it holds exactly `content` with `mode`, is ours and has no other link. */
function linkUnchanged(previous: string, target: string, content: string, mode: number): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(previous, constants.O_RDONLY | constants.O_NOFOLLOW);
    const info = fstatSync(fd);
    const size = Buffer.byteLength(content);
    if (!info.isFile() || info.nlink !== 1 || info.size !== size || (info.mode & 0o777) !== mode) return false;
    if (process.getuid && info.uid !== process.getuid()) return false;
    if (readBuffer.length < size) readBuffer = Buffer.allocUnsafe(Math.max(size, 2 * readBuffer.length, 1 << 16));
    if (readSync(fd, readBuffer, 0, size, 0) !== size) return false;
    // ASCII text (as long in bytes as in characters) compares as Latin-1 without encoding it again.
    const same = size === content.length ? readBuffer.toString("latin1", 0, size) === content : readBuffer.subarray(0, size).equals(Buffer.from(content));
    if (!same) return false;
    linkSync(previous, target);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Read what a directory holds; refuses symbolic links anywhere inside it. */
export async function readExistingOutput(dir: string): Promise<ExistingOutput | { finding: Finding }> {
  let info;
  try {
    info = await lstat(dir);
  } catch {
    return { exists: false, owned: null, all: [] };
  }
  if (info.isSymbolicLink()) return { finding: { ...say.MS4002({ link: dir }), path: [] } };
  if (!info.isDirectory()) return { finding: { ...say.MS4003({ notDirectory: dir }), path: [] } };
  const all: string[] = [];
  const walk = async (current: string): Promise<Finding | undefined> => {
    for (const entry of (await readdir(current, { withFileTypes: true })).sort((a, b) => compareText(a.name, b.name))) {
      const full = join(current, entry.name);
      const rel = relative(dir, full).split(sep).join("/");
      if (entry.isSymbolicLink()) return { ...say.MS4002({ linkInside: rel }), path: [] };
      if (entry.isDirectory()) {
        const found = await walk(full);
        if (found) return found;
      } else if (entry.isFile()) all.push(rel);
    }
    return undefined;
  };
  const found = await walk(dir);
  if (found) return { finding: found };
  let owned: string[] | null = null;
  const markerFile = all.find((path) => MARKERS.has(path));
  if (markerFile !== undefined) {
    try {
      const marker = JSON.parse(await readFile(join(dir, markerFile), "utf8")) as Partial<Marker>;
      if (marker.generator === "mesh-security" && Array.isArray(marker.files)) {
        owned = marker.files.filter((f): f is string => typeof f === "string" && checkRelativePath(f) === undefined);
      }
    } catch {
      owned = null;
    }
  }
  return { exists: true, owned, all };
}

/** A file that would change under `--check`. */
export interface OutputChange {
  path: string;
  status: "added" | "removed" | "changed";
  before?: string;
  after?: string;
}

/** Compare generated files with a directory; files mesh-security did not write are ignored. */
export async function diffOutputDir(dir: string, files: ReadonlyMap<string, string>): Promise<{ changes: OutputChange[]; finding?: Finding }> {
  const existing = await readExistingOutput(resolve(dir));
  if ("finding" in existing) return { changes: [], finding: existing.finding };
  const key = await foreignKeyFile(resolve(dir), existing, files);
  if (key) return { changes: [], finding: foreignKeyFinding(dir, key) };
  const changes: OutputChange[] = [];
  const owned = new Set(existing.owned ?? []);
  const present = new Set(existing.all);
  for (const path of [...files.keys()].sort()) {
    const after = files.get(path) ?? "";
    if (!present.has(path)) {
      changes.push({ path, status: "added", after });
      continue;
    }
    const before = await readFile(join(dir, path), "utf8");
    if (before !== after) changes.push({ path, status: "changed", before, after });
  }
  for (const path of [...owned].sort()) {
    if (!files.has(path) && present.has(path)) changes.push({ path, status: "removed", before: await readFile(join(dir, path), "utf8") });
  }
  return { changes };
}

/**
 * A file in the output that mesh-security did not write and that holds a private key (a Secrets
 * directory or state directory once placed inside it, a key copied in by hand): it would be carried
 * into every new output and committed.
 */
async function foreignKeyFile(dir: string, existing: ExistingOutput, files: ReadonlyMap<string, string>): Promise<string | undefined> {
  const owned = new Set(existing.owned ?? []);
  for (const path of existing.all) {
    if (owned.has(path) || files.has(path) || MARKERS.has(path)) continue;
    const text = await readFile(join(dir, path), "latin1").catch(() => "");
    if (holdsPrivateKey(text)) return path;
  }
  return undefined;
}

function foreignKeyFinding(dirArg: string, path: string): Finding {
  return { ...say.MS4052(dirArg, { foreign: path }), path: [] };
}

/** Undefined when a relative path stays inside its directory, else why not. */
export function checkRelativePath(path: string): string | undefined {
  if (path.length === 0) return "empty path";
  if (path.startsWith("/") || path.includes("\\") || /^[a-zA-Z]:/.test(path)) return "absolute path";
  if (path.includes("\0")) return "NUL byte";
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return "path leaves the directory";
  return undefined;
}

/**
 * Move the staged tree into place. The previous tree must be removable first (every directory in it
 * writable), else nothing is swapped: a read-only output used to be swapped and then fail to delete
 * the old tree, leaving both. A failure of either rename puts the previous tree back.
 */
async function swapIn(dirArg: string, dir: string, staging: string, old: string, exists: boolean, hooks: WriteHooks | undefined): Promise<Finding[]> {
  const move = hooks?.rename ?? rename;
  if (!exists) {
    await move(staging, dir);
    return [];
  }
  await assertRemovable(dir);
  await move(dir, old);
  try {
    await move(staging, dir);
  } catch (error) {
    await rename(old, dir);
    throw error;
  }
  try {
    await (hooks?.removeTree ?? removeTree)(old);
  } catch (error) {
    // The new tree is complete and in place; only the old one is left beside it.
    return [leftoverFinding(dirArg, old, error)];
  }
  return [];
}

/** Throws (EACCES) when a directory of the tree cannot be written, so removing the tree would fail half-way. */
async function assertRemovable(dir: string): Promise<void> {
  const walk = async (current: string): Promise<void> => {
    await access(current, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
      // Name the directory in the way: the output itself or one below it.
      throw Object.assign(error, { blocking: current });
    });
    for (const entry of await readdir(current, { withFileTypes: true })) if (entry.isDirectory()) await walk(join(current, entry.name));
  };
  await walk(dir);
}

/** The mode a new output directory gets: the existing one's, or what the umask leaves of 0777. */
async function intendedMode(dir: string): Promise<number> {
  const stat = await lstat(dir).catch(() => undefined);
  if (stat?.isDirectory()) return stat.mode & 0o777;
  const umask = process.umask();
  return 0o777 & ~umask;
}

const removeTree = (path: string): Promise<void> => rm(path, { recursive: true, force: true });

function leftoverFinding(dirArg: string, old: string, error: unknown): Finding {
  return { ...say.MS4008(dirArg, old, describe(error)), path: [] };
}

/**
 * Repair what a run killed mid-swap left: the moved-aside output comes back, and staging directories of
 * runs that no longer run go. Called holding the output's lock; a staging directory is named after the
 * process that made it (pid and start time, see `stagingTag`), so one of a process that still runs is
 * never touched. A leftover that cannot be removed is named (MS4050); a symbolic link or other
 * non-directory at the moved-aside name is never followed or moved (MS4051).
 */
export async function recoverInterruptedSwap(dirArg: string, hooks?: WriteHooks): Promise<Finding | undefined> {
  const dir = resolve(dirArg);
  const old = siblingPath(dir, "old");
  const oldInfo = await lstat(old).catch(() => undefined);
  if (oldInfo && !oldInfo.isDirectory()) {
    return { ...say.MS4051(old, dirArg, oldInfo.isSymbolicLink()), path: [] };
  }
  if (oldInfo) {
    if (!(await lstat(dir).then(() => true, () => false))) await rename(old, dir);
    else {
      try {
        await (hooks?.removeTree ?? removeTree)(old);
      } catch (error) {
        return leftoverFinding(dirArg, old, error);
      }
    }
  }
  // Leftover staging directories of killed runs.
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.mesh-security-new-`;
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries.sort()) {
    if (!entry.startsWith(prefix)) continue;
    if (stagingWriterRuns(entry.slice(prefix.length))) continue;
    const path = join(parent, entry);
    try {
      await removeStaging(path);
    } catch (error) {
      return { ...say.MS4050({ left: path, dir: dirArg, reason: describe(error) }), path: [] };
    }
  }
  return undefined;
}

/** `<pid>-<start>` of this process, for staging names (start hashed: a `ps` start time holds spaces). */
function stagingTag(): string {
  const me = currentProcess();
  return `${me.pid}-${startHash(me.start)}`;
}

function startHash(start: string): string {
  return start === "" ? "0" : createHash("sha256").update(start).digest("hex").slice(0, 12);
}

/**
 * Whether the process that made a staging directory still runs, from its name (`<pid>-<start hash>-
 * <random>`): the pid must exist with the start time whose hash the name holds. Names of older versions
 * (random only) count as dead: their writers held a lock of the older format, which this version waits for.
 */
function stagingWriterRuns(suffix: string): boolean {
  const match = /^(\d+)-([0-9a-f]{12}|0)-[0-9a-f]{12}$/.exec(suffix);
  if (!match) return false;
  const pid = Number(match[1]);
  const start = processStart(pid);
  if (start === undefined) return false;
  // "0": the writer could not read its own start time; the pid is all there is to go by.
  return match[2] === "0" ? isRunning({ pid, start: "", host: currentProcess().host }) : startHash(start) === match[2];
}

/** Remove a staging (or moved-aside) tree, first giving its owner write access to every directory in it. */
async function removeStaging(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) await openUp(path);
  await rm(path, { recursive: true, force: true });
}

async function openUp(dir: string): Promise<void> {
  const info = await lstat(dir);
  if ((info.mode & 0o700) !== 0o700) await chmod(dir, (info.mode & 0o777) | 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) if (entry.isDirectory()) await openUp(join(dir, entry.name));
}

function siblingPath(dir: string, suffix: string): string {
  return join(dirname(dir), `.${basename(dir)}.mesh-security-${suffix}`);
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { blocking?: string };
  if (e?.blocking !== undefined) return `permission denied: ${e.blocking} is not writable, so the previous tree could not be replaced`;
  return fileErrorReason(error);
}
