/**
 * The model thread (model-thread.ts): loads ONNX Runtime sessions and answers each model's calls
 * through its shared-memory mailbox, so neither a big model's load nor a long call stops the engine's
 * event loop. Loads, disposals and mailbox swaps arrive as messages; calls arrive through the mailboxes.
 */
import { parentPort } from 'node:worker_threads';
import { loadModel, ort, type Feeds, type ModelSession, type RuntimeOptions } from '../models/runtime.ts';
import { FAILED, OK, REQUEST, RESPONSE, TOO_SMALL, TensorChannel, type PlainTensor } from '../models/tensor-channel.ts';

export type ThreadRequest =
  | { type: 'load'; id: number; source: string | Uint8Array; options: RuntimeOptions; channel: SharedArrayBuffer }
  | { type: 'dispose'; id: number }
  /** A bigger mailbox; the outputs that did not fit the old one go out through it. */
  | { type: 'channel'; id: number; channel: SharedArrayBuffer };

export type ThreadReply =
  | { type: 'loaded'; id: number; inputs: ModelSession['inputs']; outputs: ModelSession['outputs']; provider: ModelSession['provider']; inputNames: string[]; outputNames: string[] }
  | { type: 'failed'; id: number; name: string; message: string };

interface Served {
  model: ModelSession;
  channel: TensorChannel;
  /** Outputs waiting for a mailbox big enough. */
  pending?: Record<string, PlainTensor>;
  open: boolean;
}

const served = new Map<number, Served>();
/** Loads the caller gave up on (past their time limit) before they landed. */
const abandoned = new Set<number>();

/** Answers the calls that come through `entry`'s mailbox until the model is disposed or given another mailbox. */
async function serve(entry: Served): Promise<void> {
  const { channel } = entry;
  while (entry.open && entry.channel === channel) {
    if (channel.state !== REQUEST) {
      await channel.changed();
      continue;
    }
    try {
      const feeds: Feeds = {};
      for (const [name, t] of Object.entries(channel.read())) feeds[name] = new ort.Tensor(t.type as ort.Tensor.Type, t.data, t.dims);
      const outputs = await entry.model.run(feeds);
      answer(entry, Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { type: t.type, dims: t.dims, data: t.data as PlainTensor['data'] }])));
    } catch (err) {
      channel.writeError((err as Error).message);
      channel.post(RESPONSE, FAILED);
    }
  }
}

function answer(entry: Served, outputs: Record<string, PlainTensor>): void {
  if (entry.channel.write(outputs)) {
    entry.pending = undefined;
    entry.channel.post(RESPONSE, OK);
  } else {
    entry.pending = outputs;
    entry.channel.post(RESPONSE, TOO_SMALL, TensorChannel.sizeOf(outputs));
  }
}

parentPort!.on('message', async (message: ThreadRequest) => {
  if (message.type === 'load') {
    try {
      // The calling side validates feeds and checks outputs itself, with the model's own label.
      // ONNX Runtime reads bytes from a plain buffer, not the shared one they came in.
      const source = typeof message.source === 'string' ? message.source : new Uint8Array(message.source);
      const model = await loadModel(source, { ...message.options, validateInputs: false, checkOutputs: false });
      if (abandoned.delete(message.id)) {
        await model.dispose();
        return;
      }
      const entry: Served = { model, channel: new TensorChannel(message.channel), open: true };
      served.set(message.id, entry);
      const reply: ThreadReply = { type: 'loaded', id: message.id, inputs: model.inputs, outputs: model.outputs, provider: model.provider, inputNames: [...model.inputNames], outputNames: [...model.outputNames] };
      parentPort!.postMessage(reply);
      void serve(entry);
    } catch (err) {
      const reply: ThreadReply = { type: 'failed', id: message.id, name: (err as Error).name, message: (err as Error).message };
      parentPort!.postMessage(reply);
    }
  } else if (message.type === 'channel') {
    const entry = served.get(message.id);
    if (!entry) return;
    const old = entry.channel;
    entry.channel = new TensorChannel(message.channel);
    old.wake();
    if (entry.pending) answer(entry, entry.pending);
    void serve(entry);
  } else {
    const entry = served.get(message.id);
    if (!entry) {
      abandoned.add(message.id);
      return;
    }
    entry.open = false;
    entry.channel.wake();
    served.delete(message.id);
    await entry.model.dispose();
  }
});
