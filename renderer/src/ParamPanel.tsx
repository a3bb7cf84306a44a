import type { NumberParam, ParamSpec } from '../../protocol/params.ts';
import { DriveControl } from './DriveControl.tsx';
import { ModelCard } from './ModelCard.tsx';
import { ParamControl } from './ParamControl.tsx';
import { useEngine, useStore } from './use-engine.ts';

/** Every tunable thing, generated from the schemas: task parameters, cost weights, controller settings. */
export function ParamPanel() {
  const store = useStore();
  const { snapshot } = useEngine();
  if (!snapshot) return <aside className="panel" />;
  const { task, controller } = snapshot;
  return (
    <aside className="panel" data-testid="param-panel">
      <h2>{task.title}</h2>
      <p className="muted">{task.description}</p>
      <TaskParams title="Command (live: the controller gets it, the task scores it)" specs={task.params.filter(isLive)} />
      <DriveControl />
      <Section title="Cost weights">
        {task.costTerms.map((term) => {
          const spec: NumberParam = { kind: 'number', key: term.name, label: term.name, default: term.weight, min: term.range[0], max: term.range[1], ...(term.help ? { help: `${term.norm}: ${term.help}` } : { help: term.norm }) };
          return <ParamControl key={term.name} spec={spec} value={term.weight} testId={`param-cost-${slug(term.name)}`} onChange={(v) => void store.call('setParams', { scope: 'cost', values: { [term.name]: v } })} />;
        })}
      </Section>
      <Section title={`${controller.title} settings`}>
        {controller.params.length === 0 && <p className="muted">No settings.</p>}
        {controller.params.map((spec) => (
          <ParamControl key={spec.key} spec={spec} value={controller.values[spec.key] ?? spec.default} testId={`param-controller-${slug(spec.key)}`} onChange={(v) => void store.call('setParams', { scope: 'controller', values: { [spec.key]: v } })} />
        ))}
      </Section>
      <ModelCard />
      <TaskParams title="Task parameters (reset the scene)" specs={task.params.filter((spec) => !isLive(spec))} />
    </aside>
  );
}

function TaskParams({ title, specs }: { title: string; specs: ParamSpec[] }) {
  const store = useStore();
  const { snapshot } = useEngine();
  if (!snapshot || !specs.length) return null;
  const { values } = snapshot.task;
  return (
    <Section title={title}>
      {specs.map((spec) => (
        <ParamControl key={spec.key} spec={spec} value={values[spec.key] ?? spec.default} testId={`param-task-${slug(spec.key)}`} onChange={(v) => void store.call('setParams', { scope: 'task', values: { [spec.key]: v } })} />
      ))}
    </Section>
  );
}

/** Applied without rebuilding the scene (a velocity command). */
function isLive(spec: ParamSpec): boolean {
  return spec.kind === 'number' && spec.live === true;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

export function slug(name: string): string {
  return name.replace(/\s+/g, '-');
}
