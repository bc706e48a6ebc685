import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { diffOutputDir, MARKER, writeOutputDir } from "../src/write/write-dir.js";
import { readTree } from "./helpers/examples.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "ms-write-"));
const files = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

test("writes files and a marker into a new directory", async () => {
  const root = tmp();
  const out = join(root, "out");
  assert.equal(await writeOutputDir(out, files({ "kustomization.yaml": "k\n", "demo/service-a.yaml": "a\n" })), []);
  const tree = readTree(out);
  assert.equal([...tree.keys()], [MARKER, "demo/service-a.yaml", "kustomization.yaml"]);
  assert.equal(JSON.parse(tree.get(MARKER) ?? "").files, ["demo/service-a.yaml", "kustomization.yaml"]);
  rmSync(root, { recursive: true });
});

test("prunes files it wrote before, keeps files it did not write", async () => {
  const root = tmp();
  const out = join(root, "out");
  await writeOutputDir(out, files({ "a.yaml": "1\n", "b.yaml": "2\n" }));
  writeFileSync(join(out, "README.md"), "mine\n");
  await writeOutputDir(out, files({ "a.yaml": "1\n" }));
  assert.equal([...readTree(out).keys()], [MARKER, "README.md", "a.yaml"]);
  assert.is(readFileSync(join(out, "README.md"), "utf8"), "mine\n");
  rmSync(root, { recursive: true });
});

test("refuses a foreign non-empty directory unless forced", async () => {
  const root = tmp();
  const out = join(root, "out");
  mkdirSync(out);
  writeFileSync(join(out, "deployment.yaml"), "x\n");
  const refused = await writeOutputDir(out, files({ "a.yaml": "1\n" }));
  assert.equal(refused.map((f) => f.code), ["MS4001"]);
  assert.equal([...readTree(out).keys()], ["deployment.yaml"]);
  assert.equal(await writeOutputDir(out, files({ "a.yaml": "1\n" }), { force: true }), []);
  assert.equal([...readTree(out).keys()], [MARKER, "a.yaml", "deployment.yaml"]);
  rmSync(root, { recursive: true });
});

test("refuses symbolic links inside the output directory and as the directory", async () => {
  const root = tmp();
  const out = join(root, "out");
  const outside = join(root, "outside");
  mkdirSync(outside);
  await writeOutputDir(out, files({ "a.yaml": "1\n" }));
  symlinkSync(outside, join(out, "demo"));
  const refused = await writeOutputDir(out, files({ "demo/service-a.yaml": "evil\n" }));
  assert.equal(refused.map((f) => f.code), ["MS4002"]);
  assert.not.ok(existsSync(join(outside, "service-a.yaml")));
  const linkDir = join(root, "link");
  symlinkSync(outside, linkDir);
  assert.equal((await writeOutputDir(linkDir, files({ "a.yaml": "1\n" }))).map((f) => f.code), ["MS4002"]);
  rmSync(root, { recursive: true });
});

test("refuses paths that leave the directory", async () => {
  const root = tmp();
  for (const bad of ["../x.yaml", "/etc/x.yaml", "a/../../x.yaml", "a//b.yaml", "./a.yaml"]) {
    const found = await writeOutputDir(join(root, "out"), files({ [bad]: "x\n" }));
    assert.equal(found.map((f) => f.code), ["MS4002"], bad);
  }
  assert.not.ok(existsSync(join(root, "x.yaml")));
  rmSync(root, { recursive: true });
});

test("an unchanged file is carried over by a hard link; a changed one is written anew", async () => {
  const root = tmp();
  const out = join(root, "out");
  await writeOutputDir(out, files({ "a.yaml": "same\n", "b.yaml": "old\n", "c.yaml": "same\n" }));
  const inode = (path: string): number => statSync(join(out, path)).ino;
  const before = { a: inode("a.yaml"), b: inode("b.yaml"), c: inode("c.yaml") };
  // c.yaml's mode was changed by hand: it is rewritten with the mode a new file gets, not kept.
  chmodSync(join(out, "c.yaml"), 0o640);
  assert.equal(await writeOutputDir(out, files({ "a.yaml": "same\n", "b.yaml": "new\n", "c.yaml": "same\n" })), []);
  assert.is(inode("a.yaml"), before.a, "unchanged: the same file");
  assert.is.not(inode("b.yaml"), before.b, "changed: a new file");
  assert.is(readFileSync(join(out, "b.yaml"), "utf8"), "new\n");
  assert.is.not(inode("c.yaml"), before.c, "other mode: a new file");
  assert.is(statSync(join(out, "c.yaml")).mode & 0o777, 0o666 & ~process.umask());
  assert.is(statSync(join(out, "a.yaml")).nlink, 1, "the previous tree's link is gone with it");
  rmSync(root, { recursive: true });
});

test("a previous file with a link outside the output is never shared", async () => {
  const root = tmp();
  const out = join(root, "out");
  await writeOutputDir(out, files({ "a.yaml": "same\n" }));
  linkSync(join(out, "a.yaml"), join(root, "elsewhere.yaml"));
  assert.equal(await writeOutputDir(out, files({ "a.yaml": "same\n" })), []);
  assert.is.not(statSync(join(out, "a.yaml")).ino, statSync(join(root, "elsewhere.yaml")).ino);
  assert.is(readFileSync(join(out, "a.yaml"), "utf8"), "same\n");
  rmSync(root, { recursive: true });
});

test("a file it did not write is not reused even with the same bytes", async () => {
  const root = tmp();
  const out = join(root, "out");
  mkdirSync(out);
  writeFileSync(join(out, "a.yaml"), "same\n");
  const foreign = statSync(join(out, "a.yaml")).ino;
  assert.equal(await writeOutputDir(out, files({ "a.yaml": "same\n" }), { force: true }), []);
  assert.is.not(statSync(join(out, "a.yaml")).ino, foreign);
  rmSync(root, { recursive: true });
});

test("key files of an inline tree keep mode 0600 when carried over", async () => {
  const root = tmp();
  const out = join(root, "out");
  const privateFiles = new Set(["secret.yaml"]);
  await writeOutputDir(out, files({ "secret.yaml": "key\n", "a.yaml": "a\n" }), { privateFiles });
  const before = statSync(join(out, "secret.yaml")).ino;
  assert.equal(await writeOutputDir(out, files({ "secret.yaml": "key\n", "a.yaml": "a\n" }), { privateFiles }), []);
  assert.is(statSync(join(out, "secret.yaml")).ino, before);
  assert.is(statSync(join(out, "secret.yaml")).mode & 0o777, 0o600);
  // The same bytes, no longer private: written anew with the ordinary mode, not linked at 0600.
  assert.equal(await writeOutputDir(out, files({ "secret.yaml": "key\n", "a.yaml": "a\n" })), []);
  assert.is(statSync(join(out, "secret.yaml")).mode & 0o777, 0o666 & ~process.umask());
  rmSync(root, { recursive: true });
});

test("a failure mid-write leaves the previous output byte for byte", async () => {
  const root = tmp();
  const out = join(root, "out");
  await writeOutputDir(out, files({ "a.yaml": "old a\n", "b.yaml": "old b\n" }));
  const before = readTree(out);
  let written = 0;
  const failing = await writeOutputDir(out, files({ "a.yaml": "new a\n", "b.yaml": "new b\n", "c.yaml": "new c\n" }), {
    hooks: {
      writeFile: async (path, content) => {
        if (++written === 2) throw Object.assign(new Error("disk full"), { code: "ENOSPC" });
        writeFileSync(path, content);
      },
    },
  });
  assert.equal(failing.map((f) => f.code), ["MS4003"]);
  assert.match(failing[0]?.message ?? "", /no space left/);
  assert.equal(readTree(out), before);
  assert.equal(readTree(root).size, before.size, "no staging directory left behind");
  rmSync(root, { recursive: true });
});

test("an interruption between the two renames is repaired by the next run", async () => {
  const root = tmp();
  const out = join(root, "out");
  await writeOutputDir(out, files({ "a.yaml": "old\n" }));
  const before = readTree(out);
  // Simulate a kill right after `out` was moved aside: only the .old directory exists.
  const { renameSync } = await import("node:fs");
  renameSync(out, join(root, ".out.mesh-security-old"));
  const diff = await diffOutputDir(out, files({ "a.yaml": "old\n" }));
  assert.equal(diff.changes.map((c) => c.status), ["added"]);
  assert.equal(await writeOutputDir(out, files({ "a.yaml": "new\n" }), { hooks: { beforeSwap: async () => assert.equal(readTree(out), before) } }), []);
  assert.is(readFileSync(join(out, "a.yaml"), "utf8"), "new\n");
  rmSync(root, { recursive: true });
});

test("a read-only parent directory fails cleanly with the old output intact", async () => {
  if (process.getuid?.() === 0) return; // root ignores permissions; the injected-failure test covers this path
  const root = tmp();
  const out = join(root, "out");
  await writeOutputDir(out, files({ "a.yaml": "old\n" }));
  chmodSync(root, 0o555);
  try {
    const found = await writeOutputDir(out, files({ "a.yaml": "new\n" }));
    assert.equal(found.map((f) => f.code), ["MS4003"]);
    assert.is(readFileSync(join(out, "a.yaml"), "utf8"), "old\n");
  } finally {
    chmodSync(root, 0o755);
    rmSync(root, { recursive: true });
  }
});

test("diff reports added, changed and removed files, ignoring foreign ones", async () => {
  const root = tmp();
  const out = join(root, "out");
  await writeOutputDir(out, files({ "a.yaml": "1\n", "b.yaml": "2\n" }));
  writeFileSync(join(out, "notes.txt"), "mine\n");
  const { changes } = await diffOutputDir(out, files({ "a.yaml": "1 changed\n", "c.yaml": "3\n" }));
  assert.equal(
    changes.map((c) => [c.path, c.status]),
    [["a.yaml", "changed"], ["c.yaml", "added"], ["b.yaml", "removed"]],
  );
  assert.equal((await diffOutputDir(out, files({ "a.yaml": "1\n", "b.yaml": "2\n" }))).changes, []);
  rmSync(root, { recursive: true });
});

test.run();
