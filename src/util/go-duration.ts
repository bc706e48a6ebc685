const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds in a Go duration string such as `2160h`, `1h30m` or `1.5h`; undefined if malformed. */
export function parseGoDuration(text: string): number | undefined {
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? NaN);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || text.length === 0 || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/**
 * The canonical form Go's time.Duration.String() prints (`2160h0m0s`, `1h30m0s`, `45s`, `500ms`).
 * cert-manager stores durations in that form, so anything else shows as drift in Argo CD.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const rest = ms % 60_000;
  const seconds = rest % 1000 === 0 ? String(rest / 1000) : (rest / 1000).toFixed(3).replace(/0+$/, "");
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** Canonicalize a duration string; undefined if malformed. */
export function canonicalGoDuration(text: string): string | undefined {
  const ms = parseGoDuration(text);
  return ms === undefined ? undefined : formatGoDuration(ms);
}
