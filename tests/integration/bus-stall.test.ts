/**
 * A reply that reached the tty while the process was stalled (a long GC pause, a busy event loop, a
 * descheduled process on a loaded machine) is read before the transaction's timeout is judged: the
 * event loop runs expired timers before it polls for input, so a timer alone would call it a timeout.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ScsDecoder, ping } from '../../bridges/buses/feetech/scs-protocol.ts';
import { BusTransport } from '../../bridges/transport/bus-transport.ts';
import type { ByteLink } from '../../bridges/transport/byte-link.ts';
import { SerialLink } from '../../bridges/transport/serial-link.ts';
import { VirtualBusProcess } from '../../bridges/virtual-bus/harness.ts';

const hasSocat = spawnSync('socat', ['-V']).status === 0;

/** Holds the event loop, as a stalled process does. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe.skipIf(!hasSocat)('a bus transaction across a stall', () => {
  it('takes the reply that arrived during the stall instead of timing out', async () => {
    const bus = await VirtualBusProcess.start('feetech', [{ id: 1, model: 'sts3215' }]);
    onTestFinished(() => bus.stop());
    const serial = await SerialLink.open(bus.port, 1_000_000);
    onTestFinished(() => serial.close());
    // The stall begins once the request has left: the servo answers within a millisecond or two,
    // long before the 20 ms timeout, while this process cannot look.
    let stalls = 0;
    const link: ByteLink = Object.assign(Object.create(serial) as ByteLink, {
      write: async (bytes: Uint8Array) => {
        await serial.write(bytes);
        if (stalls-- > 0) stall(150);
      },
    });
    const transport = new BusTransport(link, new ScsDecoder());
    // Unstalled first: the bus answers at all.
    expect(await transport.transact(ping(1), { replies: 1, timeoutMs: 500 })).toHaveLength(1);
    stalls = 3;
    for (let i = 0; i < 3; i++) expect(await transport.transact(ping(1), { replies: 1, timeoutMs: 20 })).toHaveLength(1);
    expect(transport.stats.timeouts).toBe(0);
    // A servo that is not there still times out after a stall, one timeout's time later.
    stalls = 1;
    await expect(transport.transact(ping(9), { replies: 1, timeoutMs: 20 })).rejects.toThrow('no reply within 20 ms (0 of 1 replies)');
    expect(transport.stats.timeouts).toBe(1);
  });
});
