/**
 * The “+” that adds a signal to a plot: every signal offered, by group (the live session's streams,
 * or a recording's topics), less those already plotted. Signals are named "group / item".
 */
export function SignalPicker({ groups, plotted, onPick, testId }: { groups: Iterable<[string, string[]]>; plotted: readonly string[]; onPick: (signal: string) => void; testId: string }) {
  return (
    <select data-testid={testId} value="" title="Add a signal to this plot" onChange={(e) => e.target.value && onPick(e.target.value)}>
      <option value="">+</option>
      {[...groups].map(([group, items]) => (
        <optgroup key={group} label={group}>
          {items
            .filter((n) => !plotted.includes(n))
            .map((n) => (
              <option key={n} value={n}>
                {n.slice(group.length + 3)}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}
