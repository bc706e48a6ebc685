/**
 * How yaml 2.9.1 writes one string scalar in block context with `{ version: "1.1" }` and
 * `lineWidth: 0` (no folding): a port of `plainString`, `quotedString`, `singleQuotedString`,
 * `doubleQuotedString` and `blockString` from yaml's `dist/stringify/stringifyString.js`, reduced to
 * what those options leave. `indent` is yaml's `ctx.indent` for the scalar, never empty here (the
 * emitter leaves document-level scalars to yaml). test/canonical-yaml.test.ts pins it against yaml.
 */

/** Control characters and lone surrogates: yaml forces double quotes on them. */
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/** Indicators, `: `, ` #`, leading or trailing space: not plain (yaml's plainString). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/**
 * The `test` of every default tag but `str` in yaml's YAML 1.1 schema, in its order: a plain string
 * matching one would read back as null, bool, int, float, merge key or timestamp, so yaml quotes it.
 */
export const YAML11_NON_STRING_TESTS: readonly RegExp[] = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^<<$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
];

/** True when a plain `value` would not read back as a string. */
function resolvesOtherwise(value: string): boolean {
  // Every test above matches only strings that are empty or start with one of these characters:
  // null and bool words, signs, digits, `.`, `e` (`e5` is a float), `~` and `<`. Most strings
  // (names) skip the tests.
  const c = value.charCodeAt(0);
  const letter = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  const mayMatch =
    value === "" ||
    (c >= 0x2b && c <= 0x39 && c !== 0x2c && c !== 0x2f) || // + - . 0-9
    c === 0x7e || // ~
    c === 0x3c || // <
    letter === 0x4e || // n N
    letter === 0x59 || // y Y
    letter === 0x54 || // t T
    letter === 0x4f || // o O
    letter === 0x46 || // f F
    letter === 0x45; // e E
  return mayMatch && YAML11_NON_STRING_TESTS.some((test) => test.test(value));
}

/** A string as yaml writes it, as a map key (`implicitKey`) or as a value in a map or list. */
export function stringifyString(value: string, indent: string, implicitKey: boolean): string {
  // yaml picks its merge tag for the string `<<` (the one tag with a test that identifies it) and
  // writes it plain, whatever the YAML 1.1 reading.
  if (value === "<<") return value;
  if (NEEDS_ESCAPES.test(value)) return doubleQuoted(value, indent, implicitKey);
  const multiLine = value.includes("\n");
  if (implicitKey && multiLine) return quoted(value, indent, implicitKey);
  if (NOT_PLAIN.test(value)) return implicitKey || !multiLine ? quoted(value, indent, implicitKey) : blockLiteral(value, indent);
  if (multiLine) return blockLiteral(value, indent);
  // A key at the top level may not start a line with a document marker; deeper keys are indented.
  if (implicitKey && indent === "  " && DOCUMENT_MARKER.test(value)) return quoted(value, indent, implicitKey);
  if (resolvesOtherwise(value)) return quoted(value, indent, implicitKey);
  return value;
}

function quoted(value: string, indent: string, implicitKey: boolean): string {
  // yaml's quotedString with `singleQuote: null`: single quotes only to avoid escaping `"`.
  return value.includes('"') && !value.includes("'") ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  // yaml double-quotes a key with a line break, and a line break next to a space or tab; the only
  // values quoted with a line break end in one followed by spaces or tabs. So: any line break.
  if (value.includes("\n")) return doubleQuoted(value, indent, implicitKey);
  return "'" + value.replace(/'/g, "''") + "'";
}

function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  let str = "";
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
      // A space before a newline is escaped so that folding does not eat it.
      str += json.slice(start, i) + "\\ ";
      i += 1;
      start = i;
      ch = "\\";
    }
    if (ch !== "\\") continue;
    const next = json[i + 1];
    if (next === "u") {
      str += json.slice(start, i) + shortEscape(json.substr(i + 2, 4), json.substr(i, 6));
      i += 5;
      start = i + 1;
    } else if (next === "n") {
      if (implicitKey || json[i + 2] === '"' || json.length < 40) {
        i += 1;
      } else {
        // A line break in a double-quoted scalar: an empty line stands for the newline.
        str += json.slice(start, i) + "\n\n";
        while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
          str += "\n";
          i += 2;
        }
        str += indent;
        if (json[i + 2] === " ") str += "\\";
        i += 1;
        start = i + 1;
      }
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

/**
 * YAML's escapes for what JSON writes as `\uXXXX`: C0 controls without a short JSON escape, and
 * lone surrogates (kept). yaml also maps U+0085, U+00A0, U+2028 and U+2029, which JSON never escapes.
 */
function shortEscape(code: string, asJson: string): string {
  switch (code) {
    case "0000":
      return "\\0";
    case "0007":
      return "\\a";
    case "000b":
      return "\\v";
    case "001b":
      return "\\e";
    default:
      return code.startsWith("00") ? "\\x" + code.slice(2) : asJson;
  }
}

/** yaml's blockString when `lineWidth: 0` makes every block literal (`|`), never folded. */
function blockLiteral(whole: string, indent: string): string {
  // A block cannot end in whitespace after its last line break: yaml quotes those.
  if (/\n[\t ]+$/.test(whole)) return quoted(whole, indent, false);
  let value = whole;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== "\n" && ch !== "\t" && ch !== " ") break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf("\n");
  const chomp = endNlPos === -1 ? "-" : value === end || endNlPos !== end.length - 1 ? "+" : "";
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === "\n") end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === " ") startWithSpace = true;
    else if (ch === "\n") startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  // The indentation indicator counts from the parent's indentation (never the document root here).
  const header = (startWithSpace ? "2" : "") + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
