import { X509Certificate } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { GeneratedAuthority } from "./generate.js";
import { formatRecord, GENERATION_RECORD, parseRecord } from "./generation-record.js";
import type { GenerationRecord } from "./generation-record.js";
import { keyMatchesCertificate, splitCertificates } from "./pem.js";
import { Broken, ensureDirectory, isDirectory, readStateFile, stageDirectory, syncDirectory, writeNewFile } from "./state-files.js";
import type { StateProblemCode } from "./state-files.js";
import { say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";
import { compareText } from "../util/compare.js";

export type { StateProblemCode };

/** An authority's material as stored; keys only when read `withKeys`. */
export interface AuthorityMaterial {
  name: string;
  /** True when the signing CA is an intermediate under the root. */
  intermediate: boolean;
  rootCertPem: string;
  /** The signing CA: the intermediate when there is one, else the root. */
  caCertPem: string;
  /** ca-cert then root with an intermediate, the root alone otherwise. */
  certChainPem: string;
  /** The signing CA's key (PKCS#8 PEM as generated). */
  caKeyPem?: string;
  /** The root's key; only with an intermediate (otherwise it is `caKeyPem`). */
  rootKeyPem?: string;
  /** What it was generated from (`generation.json`); absent for material older than the record. */
  record?: GenerationRecord;
  /** Read with `withKeys: "if-present"` from a checkout without `private/<name>/` (a clone). */
  keysAbsent?: boolean;
}

/**
 * Whether to read the private keys: `true` requires them, `false` never opens `private/`, and
 * `"if-present"` reads them unless the authority's whole private directory is absent (a clone, where
 * `private/` is never committed); a directory with a key missing is still broken.
 */
export type KeyReading = boolean | "if-present";

/** What the state directory holds for one authority. */
export type StoredAuthorityResult =
  | { status: "missing" }
  | { status: "ok"; material: AuthorityMaterial }
  | { status: "broken"; said: Said<StateProblemCode>; file: string };

/** File names, as the mesh plug-in CA Secret `cacerts` names its keys. */
export const STATE_FILES = { rootCert: "root-cert.pem", caCert: "ca-cert.pem", certChain: "cert-chain.pem", caKey: "ca-key.pem", rootKey: "root-key.pem" } as const;

/** Paths of one authority below the state directory. */
export function authorityPaths(stateDir: string, name: string): { publicDir: string; privateDir: string; publicRoot: string; privateRoot: string } {
  assertAuthorityName(name);
  const publicRoot = join(stateDir, "authorities");
  const privateRoot = join(stateDir, "private");
  return { publicRoot, privateRoot, publicDir: join(publicRoot, name), privateDir: join(privateRoot, name) };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Refuse a name that is not a DNS-1123 label: names become paths, so this also stops `../x`. */
export function assertAuthorityName(name: string): void {
  if (!DNS1123_LABEL.test(name)) throw new Error(`invalid authority name ${JSON.stringify(name)}: not a DNS-1123 label`);
}

/**
 * Read an authority from the state directory. With `withKeys: false` the private directory is never
 * opened; with `withKeys: true` a certificate without its key, a key that does not match, or a key
 * file others can read makes the authority `broken`, never `missing`: the caller must not re-issue.
 */
export async function readAuthority(stateDir: string, name: string, options: { withKeys: KeyReading }): Promise<StoredAuthorityResult> {
  const paths = authorityPaths(stateDir, name);
  try {
    await checkStateRoots(stateDir, options.withKeys !== false, name);
    if (!(await isDirectory(paths.publicRoot, name)) || !(await isDirectory(paths.publicDir, name))) {
      if ((await isDirectory(paths.privateRoot, name)) && (await isDirectory(paths.privateDir, name))) {
        throw new Broken(say.MS3003(name, { file: paths.publicDir, problem: { kind: "keys-without-certificates", keys: paths.privateDir, owner: name } }), paths.publicDir);
      }
      return { status: "missing" };
    }
    const material = await readPublic(paths.publicDir, name);
    if (options.withKeys === "if-present" && !((await isDirectory(paths.privateRoot, name)) && (await isDirectory(paths.privateDir, name)))) material.keysAbsent = true;
    else if (options.withKeys) await readKeys(paths.privateRoot, paths.privateDir, material);
    return { status: "ok", material };
  } catch (error) {
    if (error instanceof Broken) return { status: "broken", said: error.said, file: error.file };
    return { status: "broken", said: say.MS3003(name, { file: paths.publicDir, problem: { kind: "unreadable-authority", owner: name, reason: (error as Error).message } }), file: paths.publicDir };
  }
}

async function readPublic(dir: string, name: string): Promise<AuthorityMaterial> {
  // One after the other, so that the problem reported is always the first in this order.
  const read = async (file: string): Promise<string> => {
    const text = await readStateFile(join(dir, file), "public", name);
    if (text === undefined) throw new Broken(say.MS3003(name, { file: join(dir, file), problem: { kind: "missing" } }), join(dir, file));
    return text;
  };
  const rootCertPem = await read(STATE_FILES.rootCert);
  const caCertPem = await read(STATE_FILES.caCert);
  const certChainPem = await read(STATE_FILES.certChain);
  const root = parseOne(rootCertPem, join(dir, STATE_FILES.rootCert), name);
  const ca = parseOne(caCertPem, join(dir, STATE_FILES.caCert), name);
  const chainPath = join(dir, STATE_FILES.certChain);
  const chain = splitCertificates(certChainPem).map((pem) => parseCertificate(pem, chainPath, name));
  if (!(root.checkIssued(root) && root.verify(root.publicKey))) throw new Broken(say.MS3003(name, { file: join(dir, STATE_FILES.rootCert), problem: { kind: "not-self-signed" } }), join(dir, STATE_FILES.rootCert));
  const intermediate = !ca.raw.equals(root.raw);
  if (intermediate && !(ca.checkIssued(root) && ca.verify(root.publicKey))) {
    throw new Broken(say.MS3003(name, { file: join(dir, STATE_FILES.caCert), problem: { kind: "not-signed-by", root: STATE_FILES.rootCert } }), join(dir, STATE_FILES.caCert));
  }
  const want = intermediate ? [ca, root] : [root];
  if (chain.length !== want.length || chain.some((c, i) => !c.raw.equals(want[i]?.raw ?? Buffer.alloc(0)))) {
    throw new Broken(say.MS3003(name, { file: chainPath, problem: { kind: "chain", want: intermediate ? [STATE_FILES.caCert, STATE_FILES.rootCert] : [STATE_FILES.rootCert] } }), chainPath);
  }
  const material: AuthorityMaterial = { name, intermediate, rootCertPem, caCertPem, certChainPem };
  const recordPath = join(dir, GENERATION_RECORD);
  const recordText = await readStateFile(recordPath, "public", name);
  if (recordText !== undefined) {
    const record = parseRecord(recordText);
    if (typeof record === "string") throw new Broken(say.MS3008(name, { file: recordPath, problem: record }), recordPath);
    material.record = record;
  }
  return material;
}

/**
 * The state directory, `authorities/` and `private/` must be real directories: a symbolic link would
 * send keys wherever it points. `private/` must be closed to group and others.
 */
async function checkStateRoots(stateDir: string, keys: boolean, authority?: string): Promise<void> {
  for (const dir of [stateDir, join(stateDir, "authorities"), join(stateDir, "private")]) {
    const stat = await lstat(dir).catch(() => undefined);
    if (stat?.isSymbolicLink()) throw new Broken(say.MS3009(authority, { file: dir }), dir);
  }
  if (keys) await checkPrivateDirectory(join(stateDir, "private"), authority);
}

/** A directory holding keys: group and others may not even list it (keys are 0600, the directory 0700). */
async function checkPrivateDirectory(dir: string, authority?: string): Promise<void> {
  const stat = await lstat(dir).catch(() => undefined);
  if (stat?.isDirectory() && (stat.mode & 0o077) !== 0) {
    throw new Broken(say.MS3011(authority, { file: dir, mode: stat.mode }), dir);
  }
}

async function readKeys(privateRoot: string, dir: string, material: AuthorityMaterial): Promise<void> {
  const wanted: Array<[file: string, certPem: string, set: (pem: string) => void]> = [[STATE_FILES.caKey, material.caCertPem, (pem) => (material.caKeyPem = pem)]];
  if (material.intermediate) wanted.push([STATE_FILES.rootKey, material.rootCertPem, (pem) => (material.rootKeyPem = pem)]);
  const dirPresent = (await isDirectory(privateRoot, material.name)) && (await isDirectory(dir, material.name));
  if (dirPresent) await checkPrivateDirectory(dir, material.name);
  for (const [file, certPem, set] of wanted) {
    const path = join(dir, file);
    const pem = dirPresent ? await readStateFile(path, "key", material.name) : undefined;
    if (pem === undefined) {
      throw new Broken(say.MS3001(material.name, { file: path, owner: material.name }), path);
    }
    let matches: boolean;
    try {
      matches = keyMatchesCertificate(certPem, pem);
    } catch {
      // Never echo the file: it may hold key material.
      throw new Broken(say.MS3003(material.name, { file: path, problem: { kind: "invalid-key" } }), path);
    }
    if (!matches) throw new Broken(say.MS3002(material.name, { file: path, certificate: file === STATE_FILES.caKey ? STATE_FILES.caCert : STATE_FILES.rootCert, owner: material.name }), path);
    set(pem);
  }
}

function parseOne(pem: string, path: string, authority: string): X509Certificate {
  const blocks = splitCertificates(pem);
  if (blocks.length !== 1) throw new Broken(say.MS3003(authority, { file: path, problem: { kind: "certificate-count", found: blocks.length } }), path);
  return parseCertificate(blocks[0] ?? "", path, authority);
}

function parseCertificate(pem: string, path: string, authority: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new Broken(say.MS3003(authority, { file: path, problem: { kind: "invalid-certificate" } }), path);
  }
}

/** The authorities stored in the state directory, by name, sorted. */
export async function listAuthorities(stateDir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(stateDir, "authorities"), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && DNS1123_LABEL.test(e.name)).map((e) => e.name).sort(compareText);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** The material of a freshly generated authority, as `readAuthority` would return it with keys. */
export function materialOf(name: string, generated: GeneratedAuthority): AuthorityMaterial {
  const { root, intermediate } = generated;
  const material: AuthorityMaterial = {
    name,
    intermediate: intermediate !== undefined,
    rootCertPem: root.certPem,
    caCertPem: intermediate?.certPem ?? root.certPem,
    certChainPem: intermediate ? intermediate.certPem + root.certPem : root.certPem,
    caKeyPem: intermediate?.keyPem ?? root.keyPem,
  };
  if (intermediate) material.rootKeyPem = root.keyPem;
  return material;
}

/**
 * Store a generated authority. Each side is staged in a temporary directory (files fsynced) and
 * renamed into place, keys first, so a crash leaves either nothing, or keys without certificates
 * (reported as broken), never certificates without keys. Throws if any material exists already.
 */
export async function writeAuthority(stateDir: string, name: string, generated: GeneratedAuthority, record?: GenerationRecord): Promise<AuthorityMaterial> {
  const paths = authorityPaths(stateDir, name);
  const material = materialOf(name, generated);
  if (record) material.record = record;
  await ensureStateDir(stateDir);
  for (const dir of [paths.publicDir, paths.privateDir]) {
    if ((await lstat(dir).catch(() => undefined)) !== undefined) throw new Error(`authority ${name} already has material in ${dir}; refusing to overwrite it`);
  }
  const keys: Array<[string, string]> = [[STATE_FILES.caKey, material.caKeyPem ?? ""]];
  if (material.rootKeyPem !== undefined) keys.push([STATE_FILES.rootKey, material.rootKeyPem]);
  const certs: Array<[string, string]> = [
    [STATE_FILES.rootCert, material.rootCertPem],
    [STATE_FILES.caCert, material.caCertPem],
    [STATE_FILES.certChain, material.certChainPem],
  ];
  if (record) certs.push([GENERATION_RECORD, formatRecord(record)]);
  const privateStage = await stageDirectory(paths.privateRoot, name, keys, 0o600, 0o700);
  let publicStage: string | undefined;
  try {
    publicStage = await stageDirectory(paths.publicRoot, name, certs, 0o644, 0o755);
    // rename(2) onto a non-empty directory fails (ENOTEMPTY), so existing material is never replaced.
    await rename(privateStage, paths.privateDir);
  } catch (error) {
    await rm(privateStage, { recursive: true, force: true });
    if (publicStage) await rm(publicStage, { recursive: true, force: true });
    throw error;
  }
  try {
    await syncDirectory(paths.privateRoot);
    await rename(publicStage, paths.publicDir);
    await syncDirectory(paths.publicRoot);
  } catch (error) {
    await rm(publicStage, { recursive: true, force: true });
    await rm(paths.privateDir, { recursive: true, force: true });
    throw error;
  }
  return material;
}

/**
 * Create the state directory's skeleton: `authorities/`, `private/` (0700) and a `.gitignore` that
 * keeps `private/` out of Git (appended to a user's own .gitignore, never replacing it).
 */
export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  // mkdir -p accepts a symbolic link to a directory; keys must not follow one.
  await checkStateRoots(stateDir, false).catch((error: unknown) => {
    throw error instanceof Broken ? new Error(error.message) : error;
  });
  await ensureDirectory(join(stateDir, "authorities"), 0o755);
  await ensureDirectory(join(stateDir, "private"), 0o700);
  const gitignore = join(stateDir, ".gitignore");
  const existing = await readStateFile(gitignore, "public");
  if (existing === undefined) {
    await writeNewFile(gitignore, "# mesh-security: CA private keys never go into Git\nprivate/\n", 0o644);
  } else if (!existing.split(/\r?\n/).some((line) => /^\/?private\/?(\*\*?)?$/.test(line.trim()))) {
    const handle = await open(gitignore, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
    try {
      await handle.writeFile(`${existing === "" || existing.endsWith("\n") ? "" : "\n"}private/\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/**
 * Add the generation record to material stored before records existed (the migration `ca init` does).
 * Written to a temporary file and renamed, so a reader sees no record or a whole one; never replaces one.
 */
export async function writeRecord(stateDir: string, name: string, record: GenerationRecord): Promise<void> {
  const paths = authorityPaths(stateDir, name);
  await checkStateRoots(stateDir, false);
  const target = join(paths.publicDir, GENERATION_RECORD);
  if ((await lstat(target).catch(() => undefined)) !== undefined) throw new Error(`${target} exists already; refusing to overwrite it`);
  const temp = join(paths.publicDir, `.${GENERATION_RECORD}.tmp-${process.pid}`);
  await rm(temp, { force: true });
  await writeNewFile(temp, formatRecord(record), 0o644);
  await rename(temp, target);
  await syncDirectory(paths.publicDir);
}

/**
 * Remove an authority's material, public and private (`ca regenerate --yes`). The private side goes
 * first, so an interruption leaves certificates without keys, which is reported and never reused.
 */
export async function removeAuthority(stateDir: string, name: string): Promise<void> {
  const paths = authorityPaths(stateDir, name);
  await checkStateRoots(stateDir, false);
  await rm(paths.privateDir, { recursive: true, force: true });
  await rm(paths.publicDir, { recursive: true, force: true });
}
