import { constants } from "node:fs";
import { open, readFile, rm } from "node:fs/promises";

/** A held lock; `release` removes the file (once). */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Take an exclusive lock file holding this process's id (O_CREAT|O_EXCL: atomic on a local file
 * system). A lock whose process no longer runs is stale and taken over. Returns the holder's pid when
 * another live process (or this one, for a second caller in the same process) holds it.
 */
export async function tryLock(path: string): Promise<HeldLock | { heldBy: number }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const text = await readHolder(path);
    // Gone again: the holder released it between our open and our read; try to take it.
    if (text === undefined) continue;
    const pid = Number.parseInt(text.trim(), 10);
    // Still empty after waiting for the holder to write its pid: held by a process we cannot name.
    if (text === "") return { heldBy: 0 };
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return { heldBy: pid };
    await rm(path, { force: true });
  }
  throw new Error(`cannot take the lock ${path}`);
}

/**
 * The lock's content; undefined when the file is gone. A file is created empty and its pid written right
 * after (the O_EXCL open and the write are two calls), so an empty one is re-read for a short while.
 */
async function readHolder(path: string): Promise<string | undefined> {
  for (let i = 0; i < 40; i++) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    if (text !== "") return text;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return "";
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
