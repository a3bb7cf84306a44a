/** A ByteLink wired straight to an in-process VirtualBus: byte-level tests of the buses without a tty. */
import type { ByteLink } from '../transport/byte-link.ts';
import type { VirtualBus } from './virtual-bus.ts';

export class MemoryLink implements ByteLink {
  readonly description = 'in-memory virtual bus';
  isOpen = true;
  /** Every packet the host wrote, for assertions. */
  readonly written: Uint8Array[] = [];
  private dataListeners: Array<(chunk: Uint8Array) => void> = [];
  private closeListeners: Array<(reason: string) => void> = [];

  constructor(readonly bus: VirtualBus) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) throw new Error('link closed');
    this.written.push(bytes.slice());
    const replies = this.bus.receive(bytes);
    // Replies arrive later, in two chunks split mid-packet, as a UART driver would hand them over.
    if (replies.length) {
      const all = Uint8Array.from(replies.flatMap((r) => [...r]));
      const cut = Math.floor(all.length / 2) + 1;
      setImmediate(() => {
        for (const l of this.dataListeners) l(all.subarray(0, cut));
        setImmediate(() => {
          for (const l of this.dataListeners) l(all.subarray(cut));
        });
      });
    }
  }

  writeSync(bytes: Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.written.push(bytes.slice());
    this.bus.receive(bytes);
    return true;
  }

  onData(listener: (chunk: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** The cable is pulled. */
  unplug(): void {
    this.isOpen = false;
    for (const l of this.closeListeners) l('in-memory virtual bus unplugged');
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }
}
