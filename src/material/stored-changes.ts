import { changedFields, deriveRecord } from "../ca/generation-record.js";
import type { ChangedField } from "../ca/generation-record.js";
import { readAuthority } from "../ca/state.js";
import type { Authority } from "../model/model.js";
import { specOf } from "./load-material.js";

/** The fields in which the policy differs from the authority's stored CA (none when nothing is stored). */
export async function storedChanges(stateDir: string, authority: Authority): Promise<ChangedField[]> {
  if (authority.source.type !== "generate") return [];
  const stored = await readAuthority(stateDir, authority.name, { withKeys: false });
  if (stored.status !== "ok") return [];
  const { describeCertificate } = await import("../ca/inspect.js");
  const m = stored.material;
  const record = m.record ?? deriveRecord(describeCertificate(m.rootCertPem, new Date()), m.intermediate ? describeCertificate(m.caCertPem, new Date()) : undefined);
  const defaulted = !authority.source.intermediateValidityDaysSet;
  return changedFields(record, specOf(authority)).filter((c) => !(c.field === "intermediateValidityDays" && defaulted));
}

