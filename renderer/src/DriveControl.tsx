/**
 * Driving a mobile or legged robot with a Twist-style velocity command from the keyboard or a gamepad
 * (shown when the task or controller takes vx, vy and yaw rate, e.g. go2-walk, go2w-walk). Held keys or
 * a deflected stick (with the deadman held) set the command through `setVelocity` — the engine path
 * ROS cmd_vel takes, clamped to the command's ranges — renewed while held; releasing sets it to zero,
 * and the engine zeroes it too if the renewals stop (a closed tab, a lost connection).
 */
import { useEffect, useRef, useState } from 'react';
import { velocityTarget, type Velocity, type VelocityTarget } from '../../protocol/velocity.ts';
import { padDrive, PAD_HELP, NORMAL_SCALE, type PadState } from './gamepad.ts';
import { useGamepad } from './use-gamepad.ts';
import { useEngine, useStore } from './use-engine.ts';

/** Physical keys (KeyboardEvent.code, so any layout), each one direction of one command, as a fraction of its range. */
const DRIVE_KEYS: Record<string, [keyof Velocity, 1 | -1]> = {
  KeyW: ['vx', 1], KeyS: ['vx', -1], KeyA: ['vy', 1], KeyD: ['vy', -1], KeyQ: ['yawRate', 1], KeyE: ['yawRate', -1],
};
/** While non-zero the command is sent again this often (the engine zeroes it after 500 ms without). */
const RENEW_MS = 150;
const ZERO: Velocity = { vx: 0, vy: 0, yawRate: 0 };

export function DriveControl() {
  const { snapshot } = useEngine();
  const target = snapshot ? velocityTarget(snapshot) : undefined;
  return target ? <Drive target={target} /> : null;
}

function Drive({ target }: { target: VelocityTarget }) {
  const store = useStore();
  const held = useRef(new Set<string>());
  const shift = useRef(false);
  const pad = useRef<PadState | undefined>(undefined);
  const sent = useRef<{ command: Velocity; at: number; busy: boolean }>({ command: ZERO, at: 0, busy: false });
  const [shown, setShown] = useState<Velocity>(ZERO);
  const ranges = useRef(target.params);
  ranges.current = target.params;

  /** The command the keys and the pad ask for now, in each parameter's units. */
  const wanted = (): Velocity => {
    const fraction = { ...ZERO };
    if (pad.current?.enabled) Object.assign(fraction, padDrive(pad.current));
    else for (const code of held.current) {
      const [key, sign] = DRIVE_KEYS[code]!;
      fraction[key] += sign * (shift.current ? 1 : NORMAL_SCALE);
    }
    const scale = (key: keyof Velocity) => {
      const f = Math.max(-1, Math.min(1, fraction[key]));
      const p = ranges.current[key];
      return f >= 0 ? f * Math.max(0, p.max) : -f * Math.min(0, p.min);
    };
    return { vx: scale('vx'), vy: scale('vy'), yawRate: scale('yawRate') };
  };
  /** Sends the wanted command when it changed, or again while it is non-zero; one request at a time. */
  const update = () => {
    const s = sent.current;
    const command = wanted();
    const moving = !sameCommand(command, ZERO);
    if (s.busy || !(!sameCommand(command, s.command) || (moving && performance.now() - s.at > RENEW_MS))) return;
    s.busy = true;
    s.command = command;
    s.at = performance.now();
    store.request('setVelocity', command).then(
      (r) => setShown(r.command),
      () => undefined,
    ).finally(() => {
      s.busy = false;
      // A key released while the last request was on its way: send the newest command now.
      if (!sameCommand(wanted(), s.command)) update();
    });
  };
  const updateRef = useRef(update);
  updateRef.current = update;

  useEffect(() => {
    const typing = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      return ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) || el.isContentEditable;
    };
    const onDown = (e: KeyboardEvent) => {
      shift.current = e.shiftKey;
      // Another panel used the key (the Robot panel's jogging), or it is a shortcut or typing.
      if (!DRIVE_KEYS[e.code] || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e)) return updateRef.current();
      e.preventDefault();
      held.current.add(e.code);
      updateRef.current();
    };
    const onUp = (e: KeyboardEvent) => {
      shift.current = e.shiftKey;
      held.current.delete(e.code);
      updateRef.current();
    };
    const onBlur = () => {
      held.current.clear();
      updateRef.current();
    };
    window.addEventListener('keydown', onDown);
    window.addEventListener('keyup', onUp);
    window.addEventListener('blur', onBlur);
    const renew = setInterval(() => updateRef.current(), RENEW_MS / 3);
    return () => {
      window.removeEventListener('keydown', onDown);
      window.removeEventListener('keyup', onUp);
      window.removeEventListener('blur', onBlur);
      clearInterval(renew);
    };
  }, []);

  const padShown = useGamepad((state) => {
    pad.current = state;
  });
  const unit = (key: keyof Velocity) => target.params[key].unit ?? '';
  return (
    <div className="drive" data-testid="drive">
      <p>
        Drive:{' '}
        {(['vx', 'vy', 'yawRate'] as const).map((k) => (
          <span key={k} className="drive-value">
            {k} <b data-testid={`drive-${k}`}>{shown[k].toFixed(2)}</b> {unit(k)}{' '}
          </span>
        ))}
      </p>
      <p className="muted">Keys (hold): W/S forward/back · A/D sideways · Q/E turn · Shift: full range; release: stop.</p>
      <p className="muted" data-testid="drive-gamepad">
        {padShown
          ? `Gamepad ${padShown.id}${padShown.enabled ? ' — enabled' : ''}: ${PAD_HELP.deadman}; ${PAD_HELP.drive}; ${PAD_HELP.turbo}.`
          : 'Gamepad: none (press a button on it to connect).'}
      </p>
    </div>
  );
}

function sameCommand(a: Velocity, b: Velocity): boolean {
  return a.vx === b.vx && a.vy === b.vy && a.yawRate === b.yawRate;
}
