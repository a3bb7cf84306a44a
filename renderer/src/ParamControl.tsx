import { useEffect, useRef, useState } from 'react';
import type { ParamSpec, ParamValue } from '../../protocol/params.ts';
import { FilePicker } from './FilePicker.tsx';
import { throttle } from './throttle.ts';

/** Live edits reach the engine about ten times a second while a slider moves. */
const SEND_INTERVAL_MS = 100;
/** How long after the last local edit the engine's echo may overwrite what the control shows. */
const HOLD_AFTER_EDIT_MS = 400;

/** A slider with a number box (a select for choices, a text box with a picker for files), sending changes live, at most every 100 ms. */
export function ParamControl({ spec, value, testId, onChange }: { spec: ParamSpec; value: ParamValue; testId: string; onChange: (v: ParamValue) => void }) {
  const [local, setLocal] = useState(value);
  /** What the number box holds while it is edited, and why it was not sent (out of range). */
  const [draft, setDraft] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const lastEdit = useRef(-Infinity);
  // Adopt the engine's value, but not in the middle of a drag: the answer to an earlier send would
  // pull the slider back under the pointer.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const adopt = () => {
      const wait = lastEdit.current + HOLD_AFTER_EDIT_MS - performance.now();
      if (wait <= 0) setLocal(value);
      else timer = setTimeout(adopt, wait);
    };
    adopt();
    return () => clearTimeout(timer);
  }, [value]);
  // The latest onChange, read by the throttled sender (the parent passes a new arrow every render).
  const latest = useRef(onChange);
  latest.current = onChange;
  const [sendThrottled] = useState(() => throttle((v: ParamValue) => latest.current(v), SEND_INTERVAL_MS));
  useEffect(() => () => sendThrottled.cancel(), [sendThrottled]);
  const send = (v: ParamValue) => {
    lastEdit.current = performance.now();
    setLocal(v);
    sendThrottled(v);
  };
  // Once the box is left, the message stays a while (the box shows the engine's value again), then goes.
  useEffect(() => {
    if (!problem || draft !== undefined) return;
    const timer = setTimeout(() => setProblem(undefined), 6000);
    return () => clearTimeout(timer);
  }, [problem, draft]);
  /** Takes what was typed if it is a number in range; otherwise says why and sends nothing. */
  const typed = (text: string) => {
    setDraft(text);
    if (spec.kind !== 'number' || text.trim() === '') return setProblem(undefined);
    const v = Number(text);
    if (!Number.isFinite(v)) return setProblem(`${spec.label}: '${text}' is not a number`);
    if (v < spec.min || v > spec.max) return setProblem(`${spec.label} must be within ${spec.min} … ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}; ${text} is not sent`);
    setProblem(undefined);
    send(spec.integer ? Math.round(v) : v);
  };
  if (spec.kind === 'choice') {
    return (
      <div className="param" title={spec.help}>
        <span className="param-label">{spec.label}</span>
        <select data-testid={testId} value={String(local)} onChange={(e) => send(e.target.value)}>
          {spec.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </div>
    );
  }
  if (spec.kind === 'text') {
    return (
      <div className="param" title={spec.help}>
        <span className="param-label">{spec.label}</span>
        <input
          className="param-text"
          data-testid={testId}
          placeholder={spec.placeholder}
          defaultValue={String(value)}
          key={String(value)}
          onKeyDown={(e) => e.key === 'Enter' && onChange(e.currentTarget.value)}
          onBlur={(e) => e.currentTarget.value !== value && onChange(e.currentTarget.value)}
        />
        {spec.file && <FilePicker kind={spec.file} model={spec.model} value={String(value)} testId={testId} onPick={(path) => path !== value && onChange(path)} />}
      </div>
    );
  }
  const log = spec.log && spec.min > 0;
  const toSlider = (v: number) => (log ? Math.log10(v) : v);
  const fromSlider = (s: number) => {
    const v = log ? 10 ** s : s;
    return spec.integer ? Math.round(v) : v;
  };
  const n = Number(local);
  return (
    <div className="param" title={spec.help}>
      <span className="param-label">
        {spec.label}
        {spec.unit ? <em> {spec.unit}</em> : null}
      </span>
      <input
        type="range"
        data-testid={testId}
        min={toSlider(spec.min)}
        max={toSlider(spec.max)}
        step={log ? (toSlider(spec.max) - toSlider(spec.min)) / 200 : spec.integer ? 1 : (spec.step ?? (spec.max - spec.min) / 200)}
        value={toSlider(n)}
        onChange={(e) => send(fromSlider(Number(e.target.value)))}
      />
      <input
        type="number"
        className="param-number"
        data-testid={`${testId}-value`}
        min={spec.min}
        max={spec.max}
        step={spec.integer ? 1 : 'any'}
        aria-invalid={problem ? true : undefined}
        value={draft ?? (Number.isFinite(n) ? Number(n.toPrecision(4)) : '')}
        onChange={(e) => typed(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
        onBlur={() => setDraft(undefined)}
      />
      {problem && (
        <div className="param-error" role="alert" data-testid={`${testId}-error`}>
          {problem}
        </div>
      )}
    </div>
  );
}
