import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, open, readdir, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { currentProcess, isRunning, startedBy } from "./process-identity.js";
import type { ProcessIdentity } from "./process-identity.js";

/** A held lock; `release` removes the file (once, and only while it is still this holder's). */
export interface HeldLock {
  release(): Promise<void>;
  /** True while the lock file is still the one this holder wrote. */
  stillHeld(): Promise<boolean>;
}

/** What a lock file says about its holder. */
interface LockRecord extends ProcessIdentity {
  token: string;
}

// An empty or unreadable lock file is never one this version is writing (the file appears with its
// content, see below); one written by an older version gets its pid a few microseconds after it appears.
const EMPTY_LOCK_GRACE_MS = 2000;
// A dead claimant of a takeover is itself taken over through a further claim; more than this many dead
// claimants in a row is not a crash but something else writing beside the lock.
const MAX_CLAIM_DEPTH = 8;

/**
 * Take an exclusive lock file. The lock is created complete: its record (pid, process start time,
 * host, a random token) is written to a private temporary file that is then hard-linked to the lock's
 * name; link(2) fails with EEXIST when the name exists, so creation is atomic and nobody ever sees an
 * empty lock of this version.
 *
 * A lock whose holder no longer runs (same host, and the pid gone or now naming a process with another
 * start time) is taken over atomically:
 * - the taker first claims the takeover of that very file: it links its record to
 *   `<lock>.takeover-<id>`, where `<id>` hashes the stale file's inode and content, so every process that
 *   found the same stale lock contends for the same name and exactly one wins;
 * - the winner checks that the lock is still that stale file (only a claim winner replaces a lock whose
 *   holder is dead, and a dead holder never releases it), then rename(2)s its own record over it: the
 *   name never disappears, so no plain creator can slip in between;
 * - it reads the lock back and proceeds only when the token there is its own;
 * - a claimant that died holding its claim is taken over the same way, one level down
 *   (`<lock>.takeover-<id>-<id of the dead claim>`).
 * Returns the holder's pid (0 when unknown) when a live process holds the lock.
 */
export async function tryLock(path: string): Promise<HeldLock | { heldBy: number }> {
  const me: LockRecord = { ...currentProcess(), token: randomBytes(12).toString("hex") };
  const temp = `${path}.${me.token}.tmp`;
  await writeFile(temp, `${JSON.stringify(me)}\n`, { flag: "wx", mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await link(temp, path);
        return await acquired(path, me);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const current = await readLock(path);
      // Released between our link and our read: try again.
      if (current === undefined) continue;
      if (holderRuns(current)) return { heldBy: current.record?.pid ?? current.legacyPid ?? 0 };
      const outcome = await takeOver(path, current, temp);
      if (outcome === "taken") return await acquired(path, me);
      if (typeof outcome === "object") return outcome;
      // "retry": the lock changed under us (released, or taken by someone else): look again.
    }
    throw new Error(`cannot take the lock ${path}: it keeps changing`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** A lock file as found: its identity (inode and bytes), and its record when it parses. */
interface FoundLock {
  id: string;
  record?: LockRecord;
  /** A pid-only lock of an older version. */
  legacyPid?: number;
  mtime: Date;
}

async function readLock(path: string): Promise<FoundLock | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const stat = await handle.stat();
    const text = stat.size > 4096 ? "" : await handle.readFile("latin1");
    const id = createHash("sha256").update(`${stat.dev}:${stat.ino}:`).update(text).digest("hex").slice(0, 24);
    const found: FoundLock = { id, mtime: stat.mtime };
    const record = parseRecord(text);
    if (record) found.record = record;
    else if (/^\d+\n?$/.test(text)) found.legacyPid = Number.parseInt(text, 10);
    return found;
  } finally {
    await handle.close();
  }
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid === "number" && typeof value.start === "string" && typeof value.host === "string" && typeof value.token === "string") return { pid: value.pid, start: value.start, host: value.host, token: value.token };
  } catch {
    // not a record of this version
  }
  return undefined;
}

/** Evidence that the writer of a lock (or claim) still runs. */
function holderRuns(found: FoundLock): boolean {
  if (found.record) return isRunning(found.record);
  if (found.legacyPid !== undefined) {
    const pid = found.legacyPid;
    if (pid <= 0) return false;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
    }
    return startedBy(pid, found.mtime);
  }
  // Empty or garbage: only a writer of an older version in its first microseconds, or debris.
  return Date.now() - found.mtime.getTime() < EMPTY_LOCK_GRACE_MS;
}

async function takeOver(path: string, stale: FoundLock, temp: string): Promise<"taken" | "retry" | { heldBy: number }> {
  const claims: string[] = [];
  let claim = `${path}.takeover-${stale.id}`;
  for (let depth = 0; ; depth++) {
    if (depth >= MAX_CLAIM_DEPTH) throw new Error(`cannot take over the stale lock ${path}: ${MAX_CLAIM_DEPTH} dead takeover claims beside it; remove ${path}.takeover-* by hand`);
    try {
      await link(temp, claim);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const other = await readLock(claim);
    if (other === undefined) continue; // its claimant gave up: claim it ourselves
    if (holderRuns(other)) return { heldBy: other.record?.pid ?? 0 };
    claims.push(claim);
    claim = `${claim}-${other.id.slice(0, 12)}`;
  }
  try {
    const now = await readLock(path);
    if (now?.id !== stale.id) return "retry";
    await rename(temp, path);
    return "taken";
  } finally {
    await unlink(claim).catch(() => undefined);
    // The dead claimants' claims on the way: the file they were about is gone (or no longer the lock).
    for (const dead of claims) await unlink(dead).catch(() => undefined);
  }
}

/** After creating or replacing the lock: it must now hold our token, else someone else has it. */
async function acquired(path: string, me: LockRecord): Promise<HeldLock | { heldBy: number }> {
  const now = await readLock(path);
  if (now?.record?.token !== me.token) return { heldBy: now?.record?.pid ?? 0 };
  await removeDeadLeftovers(path);
  let released = false;
  const stillHeld = async (): Promise<boolean> => (await readLock(path).catch(() => undefined))?.record?.token === me.token;
  return {
    stillHeld,
    release: async () => {
      if (released) return;
      released = true;
      if (await stillHeld()) await unlink(path).catch(() => undefined);
    },
  };
}

/** Temporary records and takeover claims beside the lock whose writers are dead (killed mid-way). */
async function removeDeadLeftovers(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const entries = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !(/^[0-9a-f]{24}\.tmp$/.test(entry.slice(prefix.length)) || entry.slice(prefix.length).startsWith("takeover-"))) continue;
    const full = join(dirname(path), entry);
    const info = await lstat(full).catch(() => undefined);
    if (!info?.isFile()) continue;
    const found = await readLock(full).catch(() => undefined);
    if (found && !holderRuns(found)) await unlink(full).catch(() => undefined);
  }
}

/** Wait for a lock, polling, up to `timeoutMs`; throws naming the holder when it stays held. */
export async function waitForLock(path: string, timeoutMs: number): Promise<HeldLock> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lock = await tryLock(path);
    if ("release" in lock) return lock;
    if (Date.now() > deadline) throw new Error(`another process (pid ${lock.heldBy}) holds ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
