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
/** A PEM block, whole or cut off, written out or JSON-escaped on one line. */
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----(?:[\s\S]*?-----END \1-----|[\s\S]*$)/g;
/** Key material that is not PEM: long base64 (mixed case and digits) or hex runs. */
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{32,}={0,2}(?![A-Za-z0-9+/_-])/g;
const HEX_RUN = /(?<![A-Za-z0-9_-])(?:[0-9a-fA-F]{2}:){15,}[0-9a-fA-F]{2}(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_-])[0-9a-fA-F]{32,}(?![A-Za-z0-9_-])/g;

/** Replace key-like runs (PEM blocks, long base64 and hex) in any text. */
export function redactKeyLike(text: string): string {
  return text
    .replace(PEM, (_m, label: string) => `-----BEGIN ${label}----- ${REDACTED}`)
    .replace(BASE64_RUN, REDACTED)
    .replace(HEX_RUN, REDACTED);
}

/**
 * What of one policy text must never be echoed: the literal values under credential keys and the lines
 * inside PEM blocks. Built once per file, in one pass over its lines.
 */
export class SecretScan {
  readonly #values = new Set<string>();
  readonly #lines = new Set<number>();

  constructor(readonly lines: Lines) {
    let blockIndent = -1;
    let inPem = false;
    for (let n = 0; n < lines.starts.length; n++) {
      const line = lines.line(n);
      if (blockIndent >= 0) {
        const indent = /^\s*/.exec(line)?.[0].length ?? 0;
        if (line.trim() === "" || indent > blockIndent) {
          this.#lines.add(n);
          if (line.trim().length > 0) this.#values.add(line.trim());
          continue;
        }
        blockIndent = -1;
      }
      if (/-----BEGIN [A-Z0-9 ]+-----/.test(line)) inPem = !/-----END [A-Z0-9 ]+-----/.test(line.slice(line.indexOf("-----BEGIN") + 10));
      else if (inPem) {
        this.#lines.add(n);
        const body = line.trim().replace(/^["']|["']$/g, "");
        if (body.length > 0) this.#values.add(body);
        if (/-----END [A-Z0-9 ]+-----/.test(line)) inPem = false;
      }
      const block = CREDENTIAL_BLOCK.exec(line);
      if (block) {
        blockIndent = (block[1] ?? "").length;
        continue;
      }
      for (const match of line.matchAll(CREDENTIAL_VALUE)) {
        const raw = (match[2] ?? "").trim();
        const unquoted = raw.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
        // A map or list value is a reference ({ name, key }), not a literal.
        if (unquoted.length > 0 && !/^[{[&*]/.test(unquoted)) this.#values.add(unquoted);
      }
    }
  }

  /** A line of the policy as a code frame may show it. */
  frameLine(index: number): string {
    if (this.#lines.has(index)) return (/^\s*/.exec(this.lines.line(index))?.[0] ?? "") + REDACTED;
    const line = this.lines.line(index).replace(CREDENTIAL_VALUE, (_m, key: string, value: string) => (/^[{[&*]/.test(value) ? `${key}${value}` : `${key}${REDACTED}`));
    return redactKeyLike(line);
  }

  /** A message or hint with every secret of this file taken out. */
  text(message: string): string {
    let out = redactKeyLike(message);
    for (const value of this.#values) if (value.length >= 3 && out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  }
}
