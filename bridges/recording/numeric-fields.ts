/**
 * The numeric leaves of a decoded message, as the plottable fields of a recorded topic (Foxglove's
 * plot panel offers the same): `total`, `terms.upright`, `transforms.base.transform.translation.x`.
 * Numeric arrays beside a `name` array of the same length are keyed by those names (JointState's
 * `position.elbow`), and arrays of objects by their `child_frame_id` or `name` when they have one
 * (TFMessage's `transforms.base`); other arrays by index. Booleans, strings and bigints are not plotted.
 */
export function numericFields(message: unknown, into = new Map<string, number>(), prefix = ''): Map<string, number> {
  if (typeof message === 'number') {
    into.set(prefix, message);
    return into;
  }
  if (message === null || typeof message !== 'object') return into;
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (ArrayBuffer.isView(message) || Array.isArray(message)) {
    const items = message as ArrayLike<unknown>;
    for (let i = 0; i < items.length; i++) numericFields(items[i], into, at(keyOf(items[i]) ?? String(i)));
    return into;
  }
  const record = message as Record<string, unknown>;
  const names = Array.isArray(record.name) && record.name.every((n) => typeof n === 'string') ? (record.name as string[]) : undefined;
  for (const [key, value] of Object.entries(record)) {
    if (names && key !== 'name' && (Array.isArray(value) || ArrayBuffer.isView(value)) && (value as ArrayLike<unknown>).length === names.length) {
      const values = value as ArrayLike<unknown>;
      for (let i = 0; i < values.length; i++) numericFields(values[i], into, at(`${key}.${names[i]}`));
    } else numericFields(value, into, at(key));
  }
  return into;
}

function keyOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const { child_frame_id: frame, name } = item as { child_frame_id?: unknown; name?: unknown };
  return typeof frame === 'string' && frame ? frame : typeof name === 'string' && name ? name : undefined;
}
