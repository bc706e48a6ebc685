import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/**
 * Who runs: a process id alone names a different process once the id is reused, so a lock or a staging
 * directory records the id together with the process's start time, which the kernel fixes when the
 * process starts and which a later process with the same id does not share.
 *
 * - Linux: field 22 of /proc/<pid>/stat (`starttime`, clock ticks since boot; proc(5)). The command
 *   name (field 2) may hold spaces and parentheses, so the fields are counted after its last `)`.
 * - elsewhere: `ps -o lstart= -p <pid>` (the start time as text, to the second), which BSD and macOS ps
 *   print as well; with neither, the start is unknown ("") and only the id is compared.
 */
export interface ProcessIdentity {
  pid: number;
  /** The start time as the platform reports it; "" when it cannot be read. */
  start: string;
  host: string;
}

/** Ticks since boot at which `pid` started (Linux), or undefined without /proc or without that process. */
function procStart(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // Fields 3 onwards follow the command name; starttime is field 22.
  const start = fields[22 - 3];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

const hasProc = ((): boolean => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();

/** The start time of `pid` as text, "" when unknown, undefined when that process does not exist. */
export function processStart(pid: number): string | undefined {
  if (hasProc) return procStart(pid);
  try {
    const out = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
    return out === "" ? undefined : out;
  } catch (error) {
    // ps exits 1 for a pid it does not find; a missing ps leaves only the pid to go by.
    return (error as { status?: number }).status === 1 ? undefined : "";
  }
}

let self: ProcessIdentity | undefined;

/** This process. */
export function currentProcess(): ProcessIdentity {
  self ??= { pid: process.pid, start: processStart(process.pid) ?? "", host: hostname() };
  return self;
}

/**
 * Whether the process that recorded `who` is still running: same host (another host's process cannot
 * be checked, so it counts as running), the id in use (signal 0; EPERM means it exists under another
 * user), and, where both start times are known, the same start time.
 */
export function isRunning(who: ProcessIdentity): boolean {
  if (who.host !== currentProcess().host) return true;
  if (!Number.isInteger(who.pid) || who.pid <= 0) return false;
  try {
    process.kill(who.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (who.start === "") return true;
  const now = processStart(who.pid);
  if (now === undefined) return false;
  return now === "" || now === who.start;
}

/**
 * For a record that holds only a pid (written by an older mesh-security): whether that pid names a
 * process that started no later than `writtenAt` (the record's mtime). A process started after the
 * record was written cannot have written it: the id was reused. Linux only; elsewhere, true.
 */
export function startedBy(pid: number, writtenAt: Date): boolean {
  const ticks = hasProc ? procStart(pid) : undefined;
  if (ticks === undefined) return !hasProc;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "latin1"))?.[1];
    if (btime === undefined) return true;
    // USER_HZ is 100 on every Linux architecture the kernel exports to user space (proc(5), sysconf(_SC_CLK_TCK)).
    const startedAt = (Number(btime) + Number(ticks) / 100) * 1000;
    // One second of slack: btime is whole seconds.
    return startedAt <= writtenAt.getTime() + 1000;
  } catch {
    return true;
  }
}
