/** `actuate tasks` and `actuate controllers`. */
// Each list loads only its own registry: the controllers bring ONNX Runtime and the planners with them.

export async function listTasks(json: boolean): Promise<string> {
  const { TASKS } = await import('../../sim/tasks/index.ts');
  const rows = TASKS.map((t) => ({ id: t.id, title: t.title, description: t.description, params: t.params, defaultController: t.defaultController }));
  return json ? JSON.stringify(rows, null, 2) : table(rows, (r) => `  default controller: ${r.defaultController}`);
}

export async function listControllers(json: boolean): Promise<string> {
  const { CONTROLLERS } = await import('../../control/registry.ts');
  const rows = CONTROLLERS.map((c) => ({ id: c.id, title: c.title, description: c.description, params: c.params }));
  return json ? JSON.stringify(rows, null, 2) : table(rows);
}

function table<R extends { id: string; title: string; params: { key: string }[] }>(rows: R[], extra: (row: R) => string = () => ''): string {
  const width = Math.max(...rows.map((r) => r.id.length)) + 2;
  return rows.map((r) => `${r.id.padEnd(width)}${r.title}  [${r.params.map((p) => p.key).join(', ')}]${extra(r)}`).join('\n');
}
