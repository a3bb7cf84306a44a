/** One key for an unordered pair of ids (body indices, collider handles): the same whichever comes first. */
export function pairKey(a: number, b: number): string {
  return a < b ? `${a}/${b}` : `${b}/${a}`;
}
