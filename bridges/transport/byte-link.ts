/** A duplex byte stream to a servo bus: a serial port, or an in-memory wire to a virtual bus in tests. */
export interface ByteLink {
  readonly description: string;
  readonly isOpen: boolean;
  write(bytes: Uint8Array): Promise<void>;
  /** Called for every chunk of bytes as it arrives (chunks split and join packets arbitrarily). */
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once when the link closes by itself (cable pulled, adapter gone), with the reason. */
  onClose(listener: (reason: string) => void): void;
  /** Writes bytes synchronously if the link can (last words at process exit); returns whether it did. */
  writeSync?(bytes: Uint8Array): boolean;
  close(): Promise<void>;
}
