/** Ids compare as plain code-unit strings: locale-independent, so every machine agrees. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
