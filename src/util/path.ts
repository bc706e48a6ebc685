import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";

/** `services[4].port`: how policy paths read in messages. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** The real path of `path`, resolving symbolic links of the part that exists. */
function realish(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realish(parent), basename(absolute));
  }
}

/** True when `inner` is `outer` or below it (after resolving links of what exists). */
export function isInside(inner: string, outer: string): boolean {
  const a = realish(inner);
  const b = realish(outer);
  return a === b || a.startsWith(b.endsWith(sep) ? b : `${b}${sep}`);
}
