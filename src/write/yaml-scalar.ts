/**
 * How one string is written: plain when a conservative pattern allows, a `|` block for text of
 * several lines that a block holds exactly, double-quoted with escapes otherwise. The rules are
 * specified in docs/output-format.md; test/canonical-yaml.test.ts reads every choice back with `yaml`
 * in YAML 1.1 and 1.2 modes.
 */

/**
 * Characters a plain scalar may hold: letters, digits and punctuation that is no YAML indicator
 * anywhere in a block-context plain scalar. A single space between two such characters is allowed
 * (checked apart: no leading, trailing or doubled space). Everything else is quoted.
 */
const PLAIN_CHARS = /^[A-Za-z0-9_./~$()=+;^-](?:[A-Za-z0-9_./~$()=+@,;^:-]| (?! |$))*$/;

/**
 * Plain text that a YAML 1.1 reader (kubectl and Argo CD through sigs.k8s.io/yaml and go-yaml v2),
 * a YAML 1.2 reader, or a reader in between could take for something other than a string. Each
 * pattern is wider than the specification it guards against; a false alarm only adds quotes.
 */
const NOT_A_PLAIN_STRING: readonly RegExp[] = [
  // null, booleans of YAML 1.1 (y/n/yes/no/on/off/true/false) and 1.2, in any case.
  /^(?:~|null|y|n|yes|no|on|off|true|false)$/i,
  // Anything that starts like a number: sign, digit or dot then digit. Integers in any base
  // (0777, 0x1f, 0o17, 0b101, 1_000), floats, exponents, sexagesimal (1:20), and the dates and
  // times of the YAML 1.1 timestamp type (2001-12-14, 2001-12-14t21:59:43.10-05:00), when made
  // only of digits and number punctuation. `2160h` or `8443-tls` stay plain: a letter other than
  // the ones numbers and timestamps use makes them words.
  /^[-+]?[0-9.][0-9a-fA-F_.:+\-xXoObBtTzZ ]*$/,
  // An exponent without a mantissa, which yaml's YAML 1.1 float accepts (`e5`).
  /^[-+]?[eE][-+]?[0-9_]+$/,
  // Infinity and not-a-number as YAML 1.1/1.2 and Go's strconv.ParseFloat spell them.
  /^[-+]?\.?(?:inf|infinity|nan)$/i,
  // The YAML 1.1 merge key and value key, and document markers.
  /^(?:<<|=)$/,
  /^(?:---|\.\.\.)/,
  // A dash that would start a list item, a colon that would end a key.
  /^-(?: |$)/,
  /:(?: |$)/,
];

/** Characters YAML cannot hold as they are in any scalar, or that YAML 1.1 reads as line breaks. */
const NEEDS_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first characters with which a pattern above can match (but the colon's, checked apart). */
const MAY_READ_OTHERWISE = /^[~nNyYoOtTfFeEiI0-9+\-.<=]/;

/** True when `value` may be written without quotes, as a key or a value. */
export function isPlainSafe(value: string): boolean {
  if (!PLAIN_CHARS.test(value)) return false;
  if (value.endsWith(":") || value.includes(": ")) return false;
  // Most strings (names) start with another letter: no pattern can match them.
  return !MAY_READ_OTHERWISE.test(value) || !NOT_A_PLAIN_STRING.some((pattern) => pattern.test(value));
}

/** A map key: plain or double-quoted, always on one line. */
export function keyText(key: string): string {
  return isPlainSafe(key) ? key : doubleQuoted(key);
}

/**
 * A string value nested `indent` deep (the indentation of its block lines; never empty: document-
 * level strings are written with `indent` "" and are never blocks).
 */
export function stringText(value: string, indent: string): string {
  if (isPlainSafe(value)) return value;
  if (indent !== "" && blockHoldsExactly(value)) return blockLiteral(value, indent);
  return doubleQuoted(value);
}

/**
 * A `|` block holds text of two or more lines exactly when no line has trailing spaces or tabs
 * (they would be indentation-ambiguous or lost by editors), the first line with text does not
 * start with a space (the block's indentation is detected from it), there is some text, and
 * nothing needs an escape (a block has none). Tabs and carriage returns are left to quotes.
 */
function blockHoldsExactly(value: string): boolean {
  if (!value.includes("\n")) return false;
  if (NEEDS_ESCAPE.test(value) || value.includes("\t") || value.includes("\r")) return false;
  if (/ \n| $/.test(value)) return false;
  const firstText = /[^\n]/.exec(value);
  if (firstText === null) return false;
  return value[firstText.index] !== " ";
}

/**
 * A literal block: `|` keeps one final line break, `|-` none, `|+` all of them. Empty lines are
 * written empty (no indentation), so no line of output ends in a space.
 */
function blockLiteral(value: string, indent: string): string {
  const trailing = /\n*$/.exec(value)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing === 0 ? value : value.slice(0, -1);
  const lines = body.split("\n").map((line) => (line === "" ? "" : indent + line));
  return `|${chomp}\n${lines.join("\n")}`;
}

/**
 * A double-quoted scalar on one line: `\` and `"` escaped, line breaks as `\n`, tab as `\t`, every
 * other character outside YAML's printable set (and U+0085, U+2028, U+2029, which YAML 1.1 reads as
 * line breaks, and the byte order mark) as `\xXX` or `\uXXXX`. No folding, so no escape depends on
 * where a line ends.
 */
export function doubleQuoted(value: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let escape: string | undefined;
    if (c === 0x22) escape = '\\"';
    else if (c === 0x5c) escape = "\\\\";
    else if (c === 0x0a) escape = "\\n";
    else if (c === 0x09) escape = "\\t";
    else if (c === 0x0d) escape = "\\r";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) escape = "\\x" + c.toString(16).padStart(2, "0");
    else if (c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff) escape = "\\u" + c.toString(16).padStart(4, "0");
    else if (c >= 0xd800 && c <= 0xdfff) {
      const paired = c <= 0xdbff ? isLow(value.charCodeAt(i + 1)) : isHigh(value.charCodeAt(i - 1));
      if (!paired) escape = "\\u" + c.toString(16).padStart(4, "0");
    }
    if (escape === undefined) continue;
    out += value.slice(start, i) + escape;
    start = i + 1;
  }
  return out + value.slice(start) + '"';
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
