import { lstat, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { waitForLock } from "../util/lock-file.js";

// RSA-4096 generation takes up to a few seconds on a slow machine; a minute is far beyond that.
const STATE_LOCK_TIMEOUT_MS = 60_000;

/**
 * Run `fn` holding the state directory's lock, so that concurrent compiles sharing a state directory
 * generate each missing CA once: the second waits, then finds the material the first wrote.
 */
export async function withStateLock<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  if ((await lstat(stateDir).catch(() => undefined))?.isSymbolicLink()) throw new Error(`${stateDir} is a symbolic link; refusing to write CA material through it`);
  await mkdir(stateDir, { recursive: true });
  const lock = await waitForLock(join(stateDir, ".lock"), STATE_LOCK_TIMEOUT_MS);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
