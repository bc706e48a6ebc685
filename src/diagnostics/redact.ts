import { Lines } from "../util/lines.js";

/** Keys that hold credentials when they carry a literal value (references end in SecretRef and are maps). */
export const CREDENTIAL_KEYS = [
  "password",
  "passphrase",
  "passwd",
  "secret",
  "token",
  "apiToken",
  "apiKey",
  "privateKey",
  "tlsKey",
  "caKey",
  "accessKey",
  "accessKeyID",
  "secretAccessKey",
  "clientSecret",
  "tsigSecret",
  "tsigKey",
  "credential",
  "credentials",
  "keystorePassword",
  "hmacKey",
  "eabKey",
] as const;

/** The mark that stands in for a secret in every output format. */
export const REDACTED = "[redacted]";

const KEY_ALTERNATION = CREDENTIAL_KEYS.join("|");
/** `password: hunter2`, `{ token: "x" }`: a credential key and its literal value on one line. */
const CREDENTIAL_VALUE = new RegExp(`((?:^|[\\s{,\\-])["']?(?:${KEY_ALTERNATION})["']?\\s*:[ \\t]*)("(?:[^"\\\\]|\\\\.)*"|'[^']*'|[^\\s,}#][^,}#]*?)(?=\\s*(?:[,}]|\\s#|$))`, "gim");
/** `password: |` or `>-`: the value is the block of more-indented lines below. */
const CREDENTIAL_BLOCK = new RegExp(`^(\\s*)(?:-\\s+)?["']?(?:${KEY_ALTERNATION})["']?\\s*:\\s*[|>][-+0-9]*\\s*(#.*)?$`, "i");
/** A cheap first look: most lines name no credential key, and skip the full pattern. */
const MENTIONS_KEY = new RegExp(`(?:${KEY_ALTERNATION})["']?\\s*:`, "i");
const MENTIONS_KEY_ALL = new RegExp(MENTIONS_KEY.source, "gi");
/** A PEM block, whole or cut off, written out or JSON-escaped on one line. */
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----(?:[\s\S]*?-----END \1-----|[\s\S]*$)/g;
/** Key material that is not PEM: long base64 (mixed case and digits) or hex runs, as whole words. */
const LONG_RUN = /(?<![A-Za-z0-9+/_.-])[A-Za-z0-9+/]{32,}={0,2}(?![A-Za-z0-9+/_.-])/g;
const HEX_PAIRS = /(?<![A-Za-z0-9_-])(?:[0-9a-fA-F]{2}:){15,}[0-9a-fA-F]{2}(?![A-Za-z0-9_-])/g;

function isKeyLike(run: string): boolean {
  if (/^[0-9a-fA-F]+$/.test(run)) return true;
  return /[0-9]/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run);
}

/** Replace key-like runs (PEM blocks, long base64 and hex) in any text. */
export function redactKeyLike(text: string): string {
  let out = text.includes("-----BEGIN ") ? text.replace(PEM, (_m, label: string) => `-----BEGIN ${label}----- ${REDACTED}`) : text;
  if (/[A-Za-z0-9+/]{32}/.test(out)) out = out.replace(LONG_RUN, (run) => (isKeyLike(run) ? REDACTED : run));
  if (out.includes(":")) out = out.replace(HEX_PAIRS, REDACTED);
  return out;
}

/**
 * What of one policy text must never be echoed: the literal values under credential keys and the lines
 * inside PEM blocks. Built once per file, in one pass over its lines.
 */
export class SecretScan {
  readonly #values = new Set<string>();
  readonly #lines = new Set<number>();

  constructor(readonly lines: Lines) {
    const text = lines.text;
    // Only lines that name a credential key or open a PEM block are looked at closely: one pass over
    // the text with a cheap pattern, not one per line.
    for (const match of text.matchAll(/-----BEGIN [A-Z0-9 ]+-----/g)) this.#scanPem(lines.indexOf(match.index ?? 0));
    for (const match of text.matchAll(MENTIONS_KEY_ALL)) this.#scanCredential(lines.indexOf(match.index ?? 0));
  }

  #scanPem(first: number): void {
    const opening = this.lines.line(first);
    if (/-----END [A-Z0-9 ]+-----/.test(opening.slice(opening.indexOf("-----BEGIN") + 10))) return;
    for (let n = first + 1; n < this.lines.starts.length; n++) {
      const line = this.lines.line(n);
      this.#lines.add(n);
      const body = line.trim().replace(/^["']|["']$/g, "");
      if (body.length > 0) this.#values.add(body);
      if (/-----END [A-Z0-9 ]+-----/.test(line)) return;
    }
  }

  #scanCredential(index: number): void {
    const line = this.lines.line(index);
    const block = CREDENTIAL_BLOCK.exec(line);
    if (block) {
      // `password: |`: the value is every more-indented (or blank) line below.
      const indent = (block[1] ?? "").length;
      for (let n = index + 1; n < this.lines.starts.length; n++) {
        const next = this.lines.line(n);
        if (next.trim() !== "" && (/^\s*/.exec(next)?.[0].length ?? 0) <= indent) break;
        this.#lines.add(n);
        if (next.trim().length > 0) this.#values.add(next.trim());
      }
      return;
    }
    for (const match of line.matchAll(CREDENTIAL_VALUE)) {
      const raw = (match[2] ?? "").trim();
      const unquoted = raw.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
      // A map or list value is a reference ({ name, key }), not a literal.
      if (unquoted.length > 0 && !/^[{[&*]/.test(unquoted)) this.#values.add(unquoted);
    }
  }

  /** A line of the policy as a code frame may show it. */
  frameLine(index: number): string {
    if (this.#lines.has(index)) return (/^\s*/.exec(this.lines.line(index))?.[0] ?? "") + REDACTED;
    const raw = this.lines.line(index);
    if (!MENTIONS_KEY.test(raw)) return redactKeyLike(raw);
    const line = raw.replace(CREDENTIAL_VALUE, (_m, key: string, value: string) => (/^[{[&*]/.test(value) ? `${key}${value}` : `${key}${REDACTED}`));
    return redactKeyLike(line);
  }

  /** A message or hint with every secret of this file taken out. */
  text(message: string): string {
    let out = redactKeyLike(message);
    for (const value of this.#values) if (value.length >= 3 && out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  }
}
