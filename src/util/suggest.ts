/** Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * The candidate closest to `word`, when it is close enough to be a plausible typo
 * (distance at most a third of the longer word, and at least 1 allowed); ties go to the first candidate.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * Other spellings of enum values, as other tools write them: curve names from RFC 8422 (secp256r1),
 * OpenSSL (prime256v1), NIST/JOSE (P-256) and lower-case X25519, mapped to the Go names the policy uses
 * (crypto/tls CurveID: CurveP256, CurveP384, CurveP521, X25519).
 */
const VALUE_ALIASES: Readonly<Record<string, string>> = {
  "p-256": "CurveP256",
  p256: "CurveP256",
  prime256v1: "CurveP256",
  secp256r1: "CurveP256",
  "p-384": "CurveP384",
  p384: "CurveP384",
  secp384r1: "CurveP384",
  "p-521": "CurveP521",
  p521: "CurveP521",
  secp521r1: "CurveP521",
  x25519: "X25519",
  curve25519: "X25519",
};

/**
 * The allowed value a user most likely meant: the same value in another case, a known alias
 * (`P-256` → `CurveP256`), else the closest plausible typo.
 */
export function suggestValue(value: string, allowed: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  const sameCase = allowed.find((a) => a !== value && a.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const alias = VALUE_ALIASES[lower];
  if (alias && allowed.includes(alias)) return alias;
  return suggest(value, allowed);
}
