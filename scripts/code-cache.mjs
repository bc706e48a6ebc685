// Build step (run by scripts/bundle.mjs): V8's code cache for dist/bundle/mesh-security.cjs. V8 caches
// the functions compiled so far, so the bundle first validates a policy that reaches every stage of a
// validate (the README's end-to-end example); a later start deserializes that code instead of parsing
// and compiling it. Output: dist/bundle/mesh-security.cjs.cache (src/bundled.cts says what it holds).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CODE_CACHE_FILE, codeCacheOf, loadBundle } from "../dist/bundled.cjs";

const policy = fileURLToPath(new URL("../examples/end-to-end-encryption/mesh-security.yaml", import.meta.url));
const loaded = loadBundle({ cache: false });
if (!loaded) throw new Error("no bundle: run scripts/bundle.mjs");
// The command's output is not wanted here (scripts/bundle.mjs ignores stdout; stderr is the build's).
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = () => true;
await loaded.cli.main(["validate", policy]);
process.stderr.write = write;
if (process.exitCode !== 0 && process.exitCode !== undefined) throw new Error(`validate ${policy} failed (exit ${process.exitCode})`);
writeFileSync(CODE_CACHE_FILE, codeCacheOf(loaded.script));
