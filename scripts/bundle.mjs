// Build step (npm run build, after the other steps): bundle dist/cli.js and everything it loads into
// one CommonJS file, dist/bundle/mesh-security.cjs, then make V8's code cache for it
// (scripts/code-cache.mjs); bin/mesh-security.js runs it through src/bundled.cts. Node 20 pays for
// every module file it loads (resolve, stat, read, compile: some 0.5-1 ms each here, ~150 files for a
// validate) and compiles every function it runs: one file, started from the cache, skips most of that.
// The dist/ modules stay as tsc wrote them (tests and scripts import them; src/start.cts falls back to
// dist/cli.js without a bundle).
//
// Bundled, each dist module keeps its own import.meta.url (it finds templates/, schemas/ and
// package.json relative to itself); the build's validator and templates are bundled in place of their
// createRequire (dist/validate/policy-validator.cjs, dist/render/builtin-templates.cjs); yargs'
// CommonJS build is bundled in place of its load by path (src/cli.ts, loadYargs).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const outdir = `${dist}bundle`;
const outfile = `${outdir}/mesh-security.cjs`;

/** Text of a dist module replaced in the bundle, each exactly once (the build fails when one is not found). */
const REPLACE = {
  "cli.js": [
    // yargs' build, by path: an import the bundler follows (resolved by the plugin below).
    ['require(join(dirname(require.resolve("yargs/package.json")), "build", "index.cjs"))', "__yargsBuild", 'import __yargsBuild from "yargs/build/index.cjs";\n'],
  ],
  "validate/schema-check.js": [['createRequire(import.meta.url)("./policy-validator.cjs")', 'require("./policy-validator.cjs")', ""]],
  "render/render.js": [['createRequire(import.meta.url)("./builtin-templates.cjs")', 'require("./builtin-templates.cjs")', ""]],
};

const ownModules = {
  name: "own-modules",
  setup(bundle) {
    bundle.onLoad({ filter: /\.js$/ }, async ({ path }) => {
      if (!path.startsWith(dist)) return undefined;
      const name = relative(dist, path).split("\\").join("/");
      let text = await readFile(path, "utf8");
      for (const [from, to, header] of REPLACE[name] ?? []) {
        if (text.split(from).length !== 2) throw new Error(`dist/${name}: expected ${from} once`);
        text = header + text.replace(from, to);
      }
      // import.meta.url: the URL of the module's own file (__own_url in the banner), not of the bundle.
      const own = relative(outdir, path).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `__own_url(${JSON.stringify(own)})`), loader: "js" };
    });
  },
};

/**
 * yargs' CommonJS build: the package's exports map does not list build/index.cjs, so it is resolved by
 * path. Inside, `__dirname` is where y18n finds yargs' locales (help in the user's language): yargs'
 * own build directory at run time (__yargs_build_dir in the banner), as unbundled.
 */
const yargsBuild = {
  name: "yargs-build",
  setup(bundle) {
    bundle.onResolve({ filter: /^yargs\/build\/index\.cjs$/ }, () => ({ path: createRequire(import.meta.url).resolve("yargs/package.json").replace(/package\.json$/, "build/index.cjs") }));
    bundle.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]index\.cjs$/ }, async ({ path }) => {
      const text = await readFile(path, "utf8");
      if (text.split("__dirname").length !== 2) throw new Error(`${path}: expected __dirname once (the locales directory)`);
      return { contents: text.replace("__dirname", "__yargs_build_dir()"), loader: "js" };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${dist}cli.js`],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  banner: {
    js: [
      // First, so that it stays the file's directive: the bundle is strict as its ES modules were.
      '"use strict";',      'const __own_url = (file) => require("node:url").pathToFileURL(require("node:path").join(__dirname, file)).href;',
      // Where Node would find yargs from here: the first lookup directory that has it. Not
      // require.resolve("yargs/package.json"), which brings up Node's exports resolver (~3 ms) for this.
      "const __yargs_build_dir = () => {",
      '  const { existsSync } = require("node:fs"), { join } = require("node:path");',
      '  for (const dir of require.resolve.paths("yargs") ?? []) if (existsSync(join(dir, "yargs", "package.json"))) return join(dir, "yargs", "build");',
      '  return join(require("node:path").dirname(require.resolve("yargs/package.json")), "build");',
      "};",
    ].join("\n"),
  },
  plugins: [ownModules, yargsBuild],
  legalComments: "none",
  logLevel: "warning",
  metafile: true,
});
if (Object.keys(result.metafile.outputs).length !== 1) throw new Error("expected one output file");
// esbuild escapes non-ASCII in strings (charset ascii) but keeps comments that sit inside an
// expression (a doc comment on an object literal's property) as written. One such character makes
// V8 hold the whole 2.7 MB source as a two-byte string: decoding and compiling it at every start then
// cost about 15 ms more (measured: loading the bundle 80 ms instead of 65 ms). Keep it ASCII.
const nonAscii = readFileSync(outfile, "latin1").split("\n").findIndex((line) => /[^\x00-\x7f]/.test(line));
if (nonAscii >= 0) throw new Error(`${outfile}:${nonAscii + 1}: a non-ASCII character (in a comment kept by esbuild?): write it in ASCII in the source`);

const cache = spawnSync(process.execPath, [fileURLToPath(new URL("code-cache.mjs", import.meta.url))], { stdio: ["ignore", "ignore", "inherit"] });
if (cache.status !== 0) throw new Error(`scripts/code-cache.mjs failed (${cache.status ?? cache.signal})`);
