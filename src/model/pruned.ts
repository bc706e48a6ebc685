/**
 * What validation dropped from the policy for schema errors (src/validate/prune.ts builds it), as
 * normalize reads it. Here, in the model, so that validate/ depends on model/ and not both ways.
 */
export interface Pruned {
  /** Names of issuers and authorities dropped for schema errors: references to them are not re-reported. */
  issuers: Set<string>;
  authorities: Set<string>;
  /** `namespace/name` of services dropped for schema errors (when still readable): callers naming them are not re-reported. */
  services: Set<string>;
  /** For list sections: new index → index in the policy file, so paths still point at the right entry. */
  originalIndex: Map<string, number[]>;
}
