/**
 * edit-storm: 100 task, controller and planner-setting switches in 10 s from one studio client while
 * another plays (issue 13; the clients are connected in process, as the desktop renderer is). Reports
 * how long the latest edit took to land, the callers' median and worst wait, and the watching client's
 * frame rate during the storm against before it. The edit-storm integration test runs the same storm
 * over WebSockets.
 */
import { MessageChannel } from 'node:worker_threads';
import { EngineHost } from '../../engine/host.ts';
import { fromStructuredPort, type StructuredPort } from '../../protocol/port.ts';
import { createClient } from '../../protocol/rpc.ts';
import { editStorm } from '../edit-storm-driver.ts';
import { round, type BenchSuite } from '../result.ts';

export const editStormSuite: BenchSuite = {
  name: 'edit-storm',
  async run() {
    const host = await EngineHost.create({ taskId: 'cartpole-swingup', controllerId: 'mppi' });
    const connect = () => {
      const { port1, port2 } = new MessageChannel();
      host.connect(fromStructuredPort(port1 as unknown as StructuredPort));
      return createClient(fromStructuredPort(port2 as unknown as StructuredPort));
    };
    const watcher = { client: connect(), frames: [] as number[] };
    watcher.client.on('frame', () => void watcher.frames.push(performance.now()));
    const editor = connect();
    try {
      const storm = await editStorm(watcher, editor);
      const waits = storm.waitsMs;
      const details = { superseded: host.edits.superseded, baselineFps: round(storm.baselineFps, 1), duringFps: round(storm.duringFps, 1) };
      return [
        { name: 'edit-storm-latest-edit-ms', value: round(storm.lastLatencyMs, 0), unit: 'ms', target: '<= 1000', details },
        { name: 'edit-storm-median-wait-ms', value: round(waits[Math.floor(waits.length / 2)]!, 0), unit: 'ms', details: { maxMs: round(waits.at(-1)!, 0) } },
        { name: 'edit-storm-frame-ratio', value: round(storm.duringFps / storm.baselineFps, 2), unit: 'during / before', target: '>= 0.9', details },
      ];
    } finally {
      watcher.client.close();
      editor.close();
      await host.dispose();
    }
  },
};
