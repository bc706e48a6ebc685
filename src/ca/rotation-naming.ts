// How a rotation names the next authority (docs/rotation.md): `ca rotate` proposes the name and
// subject unless --next and --subject give them.

/** An authority name: a DNS-1123 label, as Secret and issuer names built from it require. */
export function isAuthorityName(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name);
}

const YEAR_SUFFIX = /-(\d{4})(?:-(\d+))?$/;
const CN_SUFFIX = /\s+\d{4}(?:\s+\d+)?$/;

/**
 * The next authority's name and subject: `<stem>-<year>`, then `<stem>-<year>-2`, `-3`, ... past every
 * name declared or stored; the subject's CN gets the same suffix (`… 2026 2`) instead of a second one,
 * and never equals the old subject.
 */
export function proposeNextAuthority(name: string, subject: string, taken: ReadonlySet<string>, now: Date): { name: string; subject: string } {
  const year = now.getUTCFullYear();
  const match = YEAR_SUFFIX.exec(name);
  const stem = match ? name.slice(0, match.index) : name;
  let counter = match && Number(match[1]) === year ? Number(match[2] ?? 1) + 1 : 1;
  for (;; counter++) {
    const candidate = `${stem}-${year}${counter > 1 ? `-${counter}` : ""}`;
    const candidateSubject = proposeSubject(subject, candidate);
    if (!taken.has(candidate) && candidateSubject.trim().toLowerCase() !== subject.trim().toLowerCase()) return { name: candidate, subject: candidateSubject };
  }
}

/** The old subject with its CN's year suffix replaced by the one of `next` (or `next` itself without one). */
export function proposeSubject(subject: string, next: string): string {
  const match = YEAR_SUFFIX.exec(next);
  const suffix = match ? `${match[1]}${match[2] ? ` ${match[2]}` : ""}` : next;
  const cn = /(^|,)(\s*CN=)((?:\\.|[^,\\])+)/i.exec(subject);
  if (!cn) return `CN=${next},${subject}`;
  const value = (cn[3] ?? "").replace(CN_SUFFIX, "");
  const start = cn.index + (cn[1] ?? "").length + (cn[2] ?? "").length;
  return `${subject.slice(0, start)}${value} ${suffix}${subject.slice(start + (cn[3] ?? "").length)}`;
}
