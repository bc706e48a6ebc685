import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { PolicyInput } from "./policy-input.js";
import type { References } from "./reference-rules.js";

/**
 * The `rotation:` section: both authorities it names must be declared, and they must differ.
 * Reads: rotation.authority, rotation.next.
 * Raises: MS2004 (through `refs`), MS2310 (next is the authority being rotated).
 */
export function checkRotation(rotation: NonNullable<PolicyInput["rotation"]>, refs: References, report: (f: Finding) => void): void {
  refs.checkAuthority(rotation.authority, ["rotation", "authority"]);
  refs.checkAuthority(rotation.next, ["rotation", "next"]);
  if (rotation.next === rotation.authority) {
    // Finishing such a rotation would delete the only authority and leave references dangling.
    report({ ...say.MS2310(rotation.next, rotation.authority), path: ["rotation", "next"] });
  }
}
