// CommonJS, as bin/mesh-security.js and src/start.cts: a CommonJS entry starts without Node's ES
// module loader (some 5-8 ms of a cold start here), and nothing on this path needs it.
import crypto = require("node:crypto");
import fs = require("node:fs");
import nodeModule = require("node:module");
import path = require("node:path");
import vm = require("node:vm");

/** dist/cli.js and everything it loads in one CommonJS file (npm run build: scripts/bundle.mjs). */
const BUNDLE_FILE = path.join(__dirname, "bundle", "mesh-security.cjs");
/** V8's code cache for the bundle, made by the build (scripts/code-cache.mjs): a SHA-256 of the bundle, then V8's data. */
const CODE_CACHE_FILE = `${BUNDLE_FILE}.cache`;
const HASH_BYTES = 32;

/** What the bundle exports: src/cli.ts. */
interface Cli {
  run(): Promise<void>;
  main(args: string[]): Promise<void>;
}

/** The bundle, evaluated; its script, for the build to make the code cache from; whether V8 took the cache. */
interface LoadedBundle {
  cli: Cli;
  script: vm.Script;
  cached: boolean;
}

/**
 * Evaluate the bundle as Node evaluates a CommonJS module, but through vm.Script, which can start from
 * V8's code cache (Node 20 has no compile cache of its own): deserialized code instead of parsing and
 * compiling some 2 MB of JavaScript at every start. The cache is used only when it was made for this
 * very bundle (the SHA-256 it starts with), and V8 refuses one made by another V8 or with other flags;
 * either way the bundle is compiled from source, as without a cache. Nothing is written here.
 * Undefined when there is no bundle (a build that stopped after tsc).
 */
function loadBundle(options: { cache?: boolean; bundleFile?: string; cacheFile?: string } = {}): LoadedBundle | undefined {
  const bundleFile = options.bundleFile ?? BUNDLE_FILE;
  let source: Buffer;
  try {
    source = fs.readFileSync(bundleFile);
  } catch {
    return undefined;
  }
  let cachedData: Buffer | undefined;
  if (options.cache !== false) {
    try {
      const file = fs.readFileSync(options.cacheFile ?? `${bundleFile}.cache`);
      if (file.subarray(0, HASH_BYTES).equals(crypto.createHash("sha256").update(source).digest())) cachedData = file.subarray(HASH_BYTES);
    } catch {
      // no cache: compile from source
    }
  }
  // Node's CommonJS wrapper, on the first line so that line numbers stay the bundle's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source.toString("utf8")}\n})`, {
    filename: bundleFile,
    ...(cachedData ? { cachedData } : {}),
    // esbuild turns every import() into a require(); should one remain, it loads as from a module.
    // (vm.constants is Node 20.12 and later; package.json admits any Node 20.)
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const module = { exports: {} as Cli };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, nodeModule.createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile));
  return { cli: module.exports, script, cached: cachedData !== undefined && script.cachedDataRejected === false };
}

/** The code cache file for a script that ran the bundle: the bundle's SHA-256, then V8's data. */
function codeCacheOf(script: vm.Script, bundleFile = BUNDLE_FILE): Buffer {
  return Buffer.concat([crypto.createHash("sha256").update(fs.readFileSync(bundleFile)).digest(), script.createCachedData()]);
}

export = { BUNDLE_FILE, CODE_CACHE_FILE, loadBundle, codeCacheOf };
