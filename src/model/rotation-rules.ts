import type { Finding } from "../diagnostics/diagnostic.js";
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
    report({ code: "MS2310", message: `rotation.next is \`${rotation.next}\`, the authority being rotated; a rotation needs a second authority`, path: ["rotation", "next"], hint: `declare a new authority, or run \`mesh-security ca rotate ${rotation.authority}\` without a rotation section to have one made` });
  }
}
