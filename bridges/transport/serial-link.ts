/**
 * A ByteLink over a real serial port (`serialport`): reads arrive as 'data' events, writes go
 * through libuv's thread pool, so the event loop never blocks on the bus.
 */
import { writeSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { ByteLink } from './byte-link.ts';

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

export async function listSerialPorts(): Promise<SerialPortInfo[]> {
  const ports = await SerialPort.list();
  return ports.map((p) => ({
    path: p.path,
    ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
    ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
    ...(p.vendorId ? { vendorId: p.vendorId } : {}),
    ...(p.productId ? { productId: p.productId } : {}),
  }));
}

export class SerialLink implements ByteLink {
  private closeListeners: Array<(reason: string) => void> = [];
  private closing = false;

  private constructor(
    private readonly port: SerialPort,
    readonly description: string,
  ) {
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
      if (this.closing) return;
      const reason = err?.disconnected ? `${description} disconnected` : `${description} closed${err ? `: ${err.message}` : ''}`;
      for (const l of this.closeListeners) l(reason);
    });
    port.on('error', (err: Error) => {
      if (!this.closing) for (const l of this.closeListeners) l(`${description}: ${err.message}`);
    });
  }

  static async open(path: string, baudRate: number): Promise<SerialLink> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(new Error(`cannot open serial port ${path}: ${err.message}`)) : resolve())),
    );
    return new SerialLink(port, `serial port ${path} at ${baudRate} baud`);
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.port.isOpen) return reject(new Error(`${this.description} is closed`));
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => (err ? reject(err) : resolve()));
    });
  }

  onData(listener: (chunk: Uint8Array) => void): void {
    this.port.on('data', (chunk: Buffer) => listener(chunk));
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** The file descriptor's synchronous write: the only I/O left to a process in its 'exit' handler. */
  writeSync(bytes: Uint8Array): boolean {
    const fd = (this.port.port as { fd?: number } | undefined)?.fd;
    if (!this.port.isOpen || typeof fd !== 'number') return false;
    try {
      writeSync(fd, bytes);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing = true;
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
