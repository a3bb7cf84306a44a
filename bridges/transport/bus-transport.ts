/**
 * Request/response over a half-duplex servo bus: one transaction at a time (queued, never
 * blocking the event loop), replies reassembled from arbitrary chunks by the vendor's stream
 * decoder, a timeout per transaction and a bounded number of retries. Bytes that arrive outside a
 * transaction (a late reply, line noise) are dropped before the next request so they cannot be
 * taken for its answer.
 */
import type { DecodedPacket, PacketDecoder } from '../buses/packet.ts';
import type { ByteLink } from './byte-link.ts';

export interface TransactOptions {
  /** How many reply packets complete the transaction. */
  replies: number;
  /** Which decoded packets count as replies (others — our own echo, stray packets — are skipped). */
  accept?: (packet: DecodedPacket) => boolean;
  timeoutMs?: number;
  /** Extra attempts after a timeout (0 = one attempt). Only for requests that are safe to repeat. */
  retries?: number;
}

export class BusTimeoutError extends Error {
  constructor(
    message: string,
    /** The replies that did arrive, so a sync read can name the servos that stayed silent. */
    readonly partial: DecodedPacket[],
  ) {
    super(message);
    this.name = 'BusTimeoutError';
  }
}

export class LinkClosedError extends Error {
  override name = 'LinkClosedError';
}

export interface TransportStats {
  transactions: number;
  timeouts: number;
  retries: number;
  /** Packets that arrived while no transaction waited for them. */
  strayPackets: number;
  /** Round-trip time of the last completed transaction, ms. */
  lastRttMs: number;
  bytesOut: number;
  bytesIn: number;
}

interface Waiter {
  options: TransactOptions;
  replies: DecodedPacket[];
  resolve: (packets: DecodedPacket[]) => void;
}

export class BusTransport {
  readonly stats: TransportStats = { transactions: 0, timeouts: 0, retries: 0, strayPackets: 0, lastRttMs: 0, bytesOut: 0, bytesIn: 0 };
  private queue: Promise<unknown> = Promise.resolve();
  private waiter: Waiter | undefined;
  private closedReason: string | undefined;
  private readonly closeListeners: Array<(reason: string) => void> = [];

  constructor(
    readonly link: ByteLink,
    readonly decoder: PacketDecoder,
    private readonly defaultTimeoutMs = 20,
  ) {
    link.onData((chunk) => this.receive(chunk));
    link.onClose((reason) => {
      this.closedReason = reason;
      for (const l of this.closeListeners) l(reason);
      const w = this.waiter;
      this.waiter = undefined;
      w?.resolve(w.replies);
    });
  }

  get closed(): string | undefined {
    return this.closedReason ?? (this.link.isOpen ? undefined : `${this.link.description} is closed`);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** Sends a packet that gets no reply (sync write, broadcast write), in turn with the transactions. */
  send(packet: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      this.checkOpen();
      this.stats.bytesOut += packet.length;
      await this.link.write(packet);
    });
  }

  /** Sends `packet` and resolves with its replies; rejects with BusTimeoutError after the last retry. */
  transact(packet: Uint8Array, options: TransactOptions): Promise<DecodedPacket[]> {
    return this.enqueue(async () => {
      const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
      let replies: DecodedPacket[] = [];
      for (let attempt = 0; attempt <= (options.retries ?? 0); attempt++) {
        this.checkOpen();
        if (attempt > 0) this.stats.retries++;
        this.decoder.reset();
        const t0 = performance.now();
        replies = await this.attempt(packet, options, timeoutMs);
        if (replies.length >= options.replies) {
          this.stats.transactions++;
          this.stats.lastRttMs = performance.now() - t0;
          return replies;
        }
        this.checkOpen();
        this.stats.timeouts++;
      }
      throw new BusTimeoutError(`no reply within ${timeoutMs} ms (${replies.length} of ${options.replies} replies) on ${this.link.description}`, replies);
    });
  }

  private attempt(packet: Uint8Array, options: TransactOptions, timeoutMs: number): Promise<DecodedPacket[]> {
    return new Promise((resolve, reject) => {
      // A timeout counts only time this process could listen. After a stall (a GC pause, a busy event
      // loop, a descheduled process on a loaded machine) the timer fires late, ahead of reading the reply
      // that may have arrived meanwhile (the event loop runs expired timers before it polls for input):
      // such an attempt gets one more timeout's time from then.
      const armed = performance.now();
      let stalled = false;
      const expire = () => {
        if (!stalled && performance.now() - armed > 2 * timeoutMs) {
          stalled = true;
          timer = setTimeout(expire, timeoutMs);
        } else finish();
      };
      let timer = setTimeout(expire, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        if (this.waiter === waiter) this.waiter = undefined;
        resolve(waiter.replies);
      };
      const waiter: Waiter = { options, replies: [], resolve: finish };
      this.waiter = waiter;
      this.stats.bytesOut += packet.length;
      this.link.write(packet).catch((err: Error) => {
        clearTimeout(timer);
        this.waiter = undefined;
        reject(new LinkClosedError(`write failed on ${this.link.description}: ${err.message}`));
      });
    });
  }

  private receive(chunk: Uint8Array): void {
    this.stats.bytesIn += chunk.length;
    for (const packet of this.decoder.push(chunk)) {
      const w = this.waiter;
      if (!w || (w.options.accept && !w.options.accept(packet))) {
        this.stats.strayPackets++;
        continue;
      }
      w.replies.push(packet);
      if (w.replies.length >= w.options.replies) w.resolve(w.replies);
    }
  }

  private checkOpen(): void {
    const reason = this.closed;
    if (reason) throw new LinkClosedError(reason);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
