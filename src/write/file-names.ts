/**
 * How the output names an object's file: `<kind>-<name>.yaml`, the kind in lower case. The output tree
 * names files with it, and reading the previous output back finds the files of a kind by its prefix.
 */
export function objectFileName(kind: string, name: string): string {
  return `${objectFilePrefix(kind)}${name}.yaml`;
}

/** The start of the file name of every object of `kind`. */
export function objectFilePrefix(kind: string): string {
  return `${kind.toLowerCase()}-`;
}
