/**
 * Orders two strings by UTF-16 code units, the same on every machine. `localeCompare` follows the
 * user's locale (LANG): under da_DK "aa" sorts after "z", so one policy gave different bytes on two
 * machines, and ICU's collator cost a cold start some 10-15 ms.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
