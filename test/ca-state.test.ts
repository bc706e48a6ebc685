import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generateAuthority } from "../src/ca/generate.js";
import type { GeneratedAuthority } from "../src/ca/generate.js";
import { listAuthorities, materialOf, readAuthority, writeAuthority } from "../src/ca/state.js";
import type { StoredAuthorityResult } from "../src/ca/state.js";
import { opensslOk, withTempDir } from "./helpers/openssl.js";

// Generated once: ECDSA keys are fast, but nothing here depends on the algorithm.
let withIntermediate: GeneratedAuthority;
let rootOnly: GeneratedAuthority;
test.before(async () => {
  const base = { keyAlgorithm: "ECDSA-P256", subject: "CN=test root CA,O=Example", validityDays: 790, intermediateValidityDays: 395 } as const;
  withIntermediate = await generateAuthority({ ...base, name: "internal", intermediate: true }, new Date());
  rootOnly = await generateAuthority({ ...base, name: "plain", intermediate: false }, new Date());
});

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
const code = (result: StoredAuthorityResult): string => (result.status === "broken" ? result.said.code : result.status);

test("write then read: the files of the plug-in CA Secret, keys 0600 under 0700 directories", async () => {
  await withTempDir("ms-state-", async (dir) => {
    const state = join(dir, ".mesh-security");
    const written = await writeAuthority(state, "internal", withIntermediate);
    assert.equal(written, materialOf("internal", withIntermediate));
    const read = await readAuthority(state, "internal", { withKeys: true });
    assert.equal(read, { status: "ok", material: written });
    if (read.status !== "ok") return;
    assert.is(read.material.caKeyPem, withIntermediate.intermediate?.keyPem);
    assert.is(read.material.rootKeyPem, withIntermediate.root.keyPem);
    assert.is(read.material.certChainPem, `${withIntermediate.intermediate?.certPem}${withIntermediate.root.certPem}`);

    const files: Array<[string, string]> = [
      ["authorities/internal/root-cert.pem", "644"],
      ["authorities/internal/ca-cert.pem", "644"],
      ["authorities/internal/cert-chain.pem", "644"],
      ["private", "700"],
      ["private/internal", "700"],
      ["private/internal/ca-key.pem", "600"],
      ["private/internal/root-key.pem", "600"],
    ];
    for (const [path, want] of files) assert.is(mode(join(state, path)), want, path);
    // Nothing else, and no staging directory left behind.
    assert.equal(readdirSync(join(state, "authorities")), ["internal"]);
    assert.equal(readdirSync(join(state, "private")), ["internal"]);
    assert.equal(readdirSync(join(state, "authorities", "internal")).sort(), ["ca-cert.pem", "cert-chain.pem", "root-cert.pem"]);

    // The stored chain is what openssl (and the mesh plug-in CA) verifies.
    const pub = join(state, "authorities", "internal");
    assert.match(opensslOk(["verify", "-CAfile", join(pub, "root-cert.pem"), "-untrusted", join(pub, "cert-chain.pem"), join(pub, "ca-cert.pem")]), ": OK");

    // Public material only: the keys are not read.
    const pub1 = await readAuthority(state, "internal", { withKeys: false });
    assert.ok(pub1.status === "ok" && pub1.material.caKeyPem === undefined && pub1.material.rootKeyPem === undefined);
  });
});

test("an authority without intermediate: ca-cert is the root, the chain is the root, one key", async () => {
  await withTempDir("ms-state-", async (dir) => {
    await writeAuthority(dir, "plain", rootOnly);
    const read = await readAuthority(dir, "plain", { withKeys: true });
    assert.equal(read, { status: "ok", material: { name: "plain", intermediate: false, rootCertPem: rootOnly.root.certPem, caCertPem: rootOnly.root.certPem, certChainPem: rootOnly.root.certPem, caKeyPem: rootOnly.root.keyPem } });
    assert.equal(readdirSync(join(dir, "private", "plain")), ["ca-key.pem"]);
    assert.equal(await listAuthorities(dir), ["plain"]);
  });
});

test(".gitignore keeps private/ out of Git, and a user's .gitignore is kept", async () => {
  await withTempDir("ms-state-", async (dir) => {
    const cases: Array<[string, string | undefined, string]> = [
      ["fresh", undefined, "# mesh-security: CA private keys never go into Git\nprivate/\n"],
      ["user file without the line", "*.bak", "*.bak\nprivate/\n"],
      ["user file that has it", "/private\n*.bak\n", "/private\n*.bak\n"],
    ];
    for (const [name, before, want] of cases) {
      const state = join(dir, name.replace(/ /g, "-"));
      if (before !== undefined) {
        mkdirSync(state);
        writeFileSync(join(state, ".gitignore"), before);
      }
      await writeAuthority(state, "internal", withIntermediate);
      await writeAuthority(state, "plain", rootOnly);
      assert.is(readFileSync(join(state, ".gitignore"), "utf8"), want, name);
    }
    // Ask Git itself: the keys are ignored, the certificates are not.
    const state = join(dir, "fresh");
    spawnSync("git", ["init", "-q"], { cwd: state });
    const ignored = (path: string): boolean => spawnSync("git", ["check-ignore", "-q", path], { cwd: state }).status === 0;
    assert.ok(ignored("private/internal/ca-key.pem"));
    assert.ok(!ignored("authorities/internal/ca-cert.pem"));
  });
});

test("missing, broken and refused: each problem has its code", async () => {
  const cases: Array<[string, (state: string, other: string) => void, string, RegExp]> = [
    ["nothing stored", (s) => {
      rmSync(join(s, "authorities", "internal"), { recursive: true });
      rmSync(join(s, "private", "internal"), { recursive: true });
    }, "missing", /^$/],
    ["ca-key.pem deleted", (s) => rmSync(join(s, "private", "internal", "ca-key.pem")), "MS3001", /private key .*ca-key\.pem is missing; refusing to issue a new CA/],
    ["root-key.pem deleted", (s) => rmSync(join(s, "private", "internal", "root-key.pem")), "MS3001", /root-key\.pem is missing/],
    ["private directory deleted", (s) => rmSync(join(s, "private"), { recursive: true }), "MS3001", /ca-key\.pem is missing/],
    ["key of another authority", (s, o) => copyFileSync(join(o, "private", "internal", "ca-key.pem"), join(s, "private", "internal", "ca-key.pem")), "MS3002", /ca-key\.pem does not belong to the certificate in ca-cert\.pem/],
    ["root key swapped with the intermediate's", (s) => copyFileSync(join(s, "private", "internal", "ca-key.pem"), join(s, "private", "internal", "root-key.pem")), "MS3002", /root-key\.pem does not belong/],
    ["key readable by others", (s) => chmodSync(join(s, "private", "internal", "ca-key.pem"), 0o644), "MS3004", /has mode 0644; a CA private key must be 0600/],
    ["key is garbage", (s) => writeFileSync(join(s, "private", "internal", "ca-key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", { mode: 0o600 }), "MS3003", /not a readable unencrypted private key/],
    ["key is a symbolic link", (s, o) => {
      rmSync(join(s, "private", "internal", "ca-key.pem"));
      symlinkSync(join(o, "private", "internal", "ca-key.pem"), join(s, "private", "internal", "ca-key.pem"));
    }, "MS3003", /ca-key\.pem is a symbolic link/],
    ["public directory is a symbolic link", (s, o) => {
      rmSync(join(s, "authorities", "internal"), { recursive: true });
      symlinkSync(join(o, "authorities", "internal"), join(s, "authorities", "internal"));
    }, "MS3003", /not a directory \(symbolic links are refused\)/],
    ["certificate is garbage", (s) => writeFileSync(join(s, "authorities", "internal", "ca-cert.pem"), "hello"), "MS3003", /ca-cert\.pem must hold exactly one PEM certificate, found 0/],
    ["root-cert.pem deleted", (s) => rmSync(join(s, "authorities", "internal", "root-cert.pem")), "MS3003", /root-cert\.pem is missing/],
    ["chain in the wrong order", (s) => writeFileSync(join(s, "authorities", "internal", "cert-chain.pem"), withIntermediate.root.certPem + (withIntermediate.intermediate?.certPem ?? "")), "MS3003", /cert-chain\.pem must hold ca-cert\.pem then root-cert\.pem/],
    ["intermediate from another root", (s, o) => copyFileSync(join(o, "authorities", "internal", "ca-cert.pem"), join(s, "authorities", "internal", "ca-cert.pem")), "MS3003", /ca-cert\.pem is not signed by root-cert\.pem/],
    ["keys without certificates", (s) => rmSync(join(s, "authorities", "internal"), { recursive: true }), "MS3003", /holds keys but .* has no certificates/],
  ];
  const other = await generateAuthority({ name: "internal", keyAlgorithm: "ECDSA-P256", subject: "CN=other root CA", validityDays: 30, intermediate: true, intermediateValidityDays: 10 }, new Date());
  for (const [name, breakIt, want, message] of cases) {
    await withTempDir("ms-state-", async (dir) => {
      const [state, otherState] = [join(dir, "state"), join(dir, "other")];
      await writeAuthority(state, "internal", withIntermediate);
      await writeAuthority(otherState, "internal", other);
      breakIt(state, otherState);
      const result = await readAuthority(state, "internal", { withKeys: true });
      assert.is(code(result), want, name);
      if (result.status === "broken") {
        assert.match(result.said.message, message, name);
        assert.ok(result.file.startsWith(state), name);
        // A problem message never carries key material.
        assert.not.match(`${result.said.message} ${result.said.hint ?? ""}`, "PRIVATE KEY", name);
      }
    });
  }
});

test("withKeys: false never needs the private directory", async () => {
  await withTempDir("ms-state-", async (dir) => {
    await writeAuthority(dir, "internal", withIntermediate);
    rmSync(join(dir, "private"), { recursive: true });
    const result = await readAuthority(dir, "internal", { withKeys: false });
    assert.is(result.status, "ok");
    assert.is(code(await readAuthority(dir, "internal", { withKeys: true })), "MS3001");
  });
});

test("writing over existing material is refused and changes nothing", async () => {
  await withTempDir("ms-state-", async (dir) => {
    await writeAuthority(dir, "internal", withIntermediate);
    const before = readFileSync(join(dir, "private", "internal", "ca-key.pem"), "utf8");
    let error: unknown;
    await writeAuthority(dir, "internal", rootOnly).catch((e: unknown) => (error = e));
    assert.instance(error, Error);
    assert.match((error as Error).message, /already has material .*refusing to overwrite/);
    assert.is(readFileSync(join(dir, "private", "internal", "ca-key.pem"), "utf8"), before);
    // Only the private half left over (an interrupted write) is refused too.
    rmSync(join(dir, "authorities", "internal"), { recursive: true });
    error = undefined;
    await writeAuthority(dir, "internal", rootOnly).catch((e: unknown) => (error = e));
    assert.instance(error, Error);
    assert.equal(readdirSync(join(dir, "authorities")), [], "no staging directory left behind");
  });
});

test("names that are not DNS-1123 labels are refused before touching the file system", async () => {
  await withTempDir("ms-state-", async (dir) => {
    for (const name of ["../x", "..", "a/b", "", "Internal", "-a", "a".repeat(64), "x\0"]) {
      for (const attempt of [() => readAuthority(dir, name, { withKeys: false }), () => writeAuthority(dir, name, rootOnly)]) {
        let error: unknown;
        await attempt().catch((e: unknown) => (error = e));
        assert.instance(error, Error, JSON.stringify(name));
        assert.match((error as Error).message, "not a DNS-1123 label");
      }
    }
    assert.equal(readdirSync(dir), []);
    assert.not.ok(existsSync(join(dir, "..", "x")));
  });
});

test("a symbolic link inside the state directory is never followed when writing", async () => {
  await withTempDir("ms-state-", async (dir) => {
    for (const sub of ["private", "authorities", ".gitignore"]) {
      const [state, elsewhere] = [join(dir, `state-${sub}`), join(dir, `elsewhere-${sub}`)];
      mkdirSync(state);
      mkdirSync(elsewhere);
      symlinkSync(sub === ".gitignore" ? join(elsewhere, "ignore") : elsewhere, join(state, sub));
      let error: unknown;
      await writeAuthority(state, "internal", rootOnly).catch((e: unknown) => (error = e));
      assert.instance(error, Error, sub);
      assert.equal(readdirSync(elsewhere), [], `${sub}: nothing written through the link`);
    }
  });
});

test("listAuthorities: sorted names, staging directories and strays ignored", async () => {
  await withTempDir("ms-state-", async (dir) => {
    assert.equal(await listAuthorities(dir), []);
    await writeAuthority(dir, "zeta", rootOnly);
    await writeAuthority(dir, "alpha", rootOnly);
    mkdirSync(join(dir, "authorities", ".beta.tmp-abc123"));
    writeFileSync(join(dir, "authorities", "README"), "");
    assert.equal(await listAuthorities(dir), ["alpha", "zeta"]);
  });
});

test.run();
