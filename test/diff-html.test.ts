import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatHtml } from "../src/diff/format-html.js";
import { DIFF_BASE, diffTexts } from "./helpers/diff.js";

// The HTML report in a real browser: Debian's chromium (apt package `chromium`), headless.
const CHROMIUM = "/usr/bin/chromium";
const HEAD = DIFF_BASE.replace("minVersion: TLSv1_2", "minVersion: TLSv1_1")
  .replace("callers: [api]", "callers: [api, legacy/mainframe]")
  .replace("    legacy: DISABLE", "    legacy: PERMISSIVE")
  .replace("    exposure: reencrypt\n", "    exposure: external\n");

function chromium(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), "ms-chromium-"));
  const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`];
  const r = spawnSync(CHROMIUM, [...flags, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Distinct RGB colours of an 8-bit RGB/RGBA PNG, decoded with zlib and the five PNG filters (RFC 2083 §6). */
function pngColours(png: Buffer): number {
  assert.is(png.subarray(1, 4).toString("latin1"), "PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString("latin1");
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.is(data[8], 8, "8-bit");
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      assert.ok(channels > 0, "RGB or RGBA");
    }
    if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  let previous = Buffer.alloc(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (line[i - channels] ?? 0) : 0;
      const b = previous[i] ?? 0;
      const c = i >= channels ? (previous[i - channels] ?? 0) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? (pa <= pb && pa <= pc ? a : pb <= pc ? b : c) : 0;
      line[i] = ((line[i] ?? 0) + predictor) & 0xff;
    }
    for (let x = 0; x < width; x += 3) colours.add(((line[x * channels] ?? 0) << 16) | ((line[x * channels + 1] ?? 0) << 8) | (line[x * channels + 2] ?? 0));
    previous = line;
  }
  return colours.size;
}

test("the HTML report renders in chromium: every changed subject in the DOM, a screenshot that is not blank", async () => {
  if (!existsSync(CHROMIUM)) {
    console.log(`\n!!! SKIPPED: ${CHROMIUM} is missing; install Debian's \`chromium\` package (apt-get install -y chromium) to test the HTML report in a browser !!!\n`);
    return;
  }
  const report = await diffTexts(DIFF_BASE, HEAD);
  assert.ok(report.changes.length >= 5, "a diff worth drawing");
  const html = formatHtml(report);
  assert.not.match(html, /<script|<link|@import|url\(http|src="http/i, "self-contained: no script, stylesheet, font or image from elsewhere");
  const dir = mkdtempSync(join(tmpdir(), "ms-diff-html-"));
  const file = join(dir, "diff.html");
  writeFileSync(file, html);
  // --dump-dom prints the DOM after parsing (no JavaScript is needed: there is none).
  const dom = chromium(["--dump-dom", `file://${file}`]);
  assert.is(dom.status, 0, dom.stderr);
  const text = dom.stdout.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&");
  for (const c of report.changes) assert.ok(text.includes(c.path ?? c.subject), `DOM holds ${c.path ?? c.subject}`);
  for (const word of ["weakening", "strengthening", "neutral"]) assert.ok(text.includes(`class="badge ${word}"`), word);
  assert.match(text, /<svg[^>]*role="img"/);
  const png = join(dir, "diff.png");
  const shot = chromium(["--window-size=1280,900", `--screenshot=${png}`, `file://${file}`]);
  assert.is(shot.status, 0, shot.stderr);
  const colours = pngColours(readFileSync(png));
  assert.ok(colours > 20, `a rendered page, not a blank one (${colours} colours)`);
});

test.run();
