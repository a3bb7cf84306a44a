import { useEngine } from './use-engine.ts';

export function Toasts() {
  const { toasts } = useEngine();
  return (
    <div className="toasts">
      {toasts.map((t) => (
        <div key={t.id} className="toast" data-testid="toast">
          {t.message}
        </div>
      ))}
    </div>
  );
}
