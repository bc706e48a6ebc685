import { X509Certificate, randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { readStateFile, syncDirectory, writeNewFile } from "./state-files.js";
import { Broken } from "./state-files.js";
import { say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";

// The record of a rotation in progress: which phase was last compiled (distributed) and the roots it
// put into trust bundles. It lives in the public part of the state directory and is committed with
// the certificates, so every clone refuses to replace a root that clients already trust.

/** The file name of the record, directly in the state directory. */
export const ROTATION_RECORD_FILE = "rotation.json";

import { PHASES } from "../model/rotation-phases.js";
import type { Phase } from "../model/rotation-phases.js";
import { compareText } from "../util/compare.js";

export { PHASES } from "../model/rotation-phases.js";
export type { Phase } from "../model/rotation-phases.js";

/** What the last compile of a rotation distributed. */
export interface RotationRecord {
  authority: string;
  next: string;
  phase: Phase;
  /** SHA-256 fingerprints (colon hex, as `openssl x509 -fingerprint -sha256`) of the roots distributed, by authority. */
  roots: Record<string, string>;
}

/** What reading the record found. */
export type RecordRead = { status: "absent" } | { status: "ok"; record: RotationRecord } | { status: "broken"; said: Said<"MS3022">; file: string };

/** The SHA-256 fingerprint of a PEM certificate (the first one in the text). */
export function fingerprintRoot(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** Read `<stateDir>/rotation.json`; a file that is not the shape written here is `broken`. */
export async function readRotationRecord(stateDir: string): Promise<RecordRead> {
  const file = join(stateDir, ROTATION_RECORD_FILE);
  let text: string | undefined;
  try {
    text = await readStateFile(file, "public");
  } catch (error) {
    return { status: "broken", said: say.MS3022(error instanceof Broken ? { cause: error.said } : { error: String(error) }), file };
  }
  if (text === undefined) return { status: "absent" };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { status: "broken", said: say.MS3022({ file, notJson: (error as Error).message }), file };
  }
  const rotation = (data as { rotation?: unknown } | null)?.rotation as Partial<RotationRecord> | undefined;
  const isName = (v: unknown): v is string => typeof v === "string" && v.length > 0;
  const roots = rotation?.roots;
  if (
    !rotation ||
    !isName(rotation.authority) ||
    !isName(rotation.next) ||
    !PHASES.includes(rotation.phase as Phase) ||
    typeof roots !== "object" ||
    roots === null ||
    Object.values(roots).some((v) => typeof v !== "string")
  ) {
    return { status: "broken", said: say.MS3022({ file, notRecord: true }), file };
  }
  return { status: "ok", record: { authority: rotation.authority, next: rotation.next, phase: rotation.phase as Phase, roots: { ...roots } } };
}

/** The bytes of the record: keys in a fixed order, roots sorted, LF and a final newline. */
export function serializeRotationRecord(record: RotationRecord): string {
  const roots = Object.fromEntries(Object.keys(record.roots).sort(compareText).map((name) => [name, record.roots[name]]));
  const data = {
    comment: "Written by mesh-security compile during a CA rotation: the phase last compiled and the roots it distributed. Commit it; see docs/rotation.md.",
    rotation: { authority: record.authority, next: record.next, phase: record.phase, roots },
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** True when `<stateDir>/rotation.json` already holds `record` (or is absent when `record` is null). */
export async function rotationRecordIsCurrent(stateDir: string, record: RotationRecord | null): Promise<boolean> {
  const existing = await readStateFile(join(stateDir, ROTATION_RECORD_FILE), "public").catch(() => undefined);
  return record === null ? existing === undefined : existing === serializeRotationRecord(record);
}

/**
 * Replace the record atomically (a fsynced temporary file renamed over it), or remove it when no
 * rotation is in progress any more. Unchanged content is not rewritten.
 */
export async function writeRotationRecord(stateDir: string, record: RotationRecord | null): Promise<void> {
  const file = join(stateDir, ROTATION_RECORD_FILE);
  const existing = await readStateFile(file, "public").catch(() => undefined);
  if (record === null) {
    if (existing !== undefined) {
      await rm(file, { force: true });
      await syncDirectory(stateDir);
    }
    return;
  }
  const text = serializeRotationRecord(record);
  if (existing === text) return;
  await mkdir(stateDir, { recursive: true });
  const temp = join(stateDir, `.${ROTATION_RECORD_FILE}.tmp-${randomBytes(6).toString("hex")}`);
  try {
    await writeNewFile(temp, text, 0o644);
    await rename(temp, file);
    await syncDirectory(stateDir);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
