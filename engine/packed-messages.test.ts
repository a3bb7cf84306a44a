import { describe, expect, it } from 'vitest';
import { MessagePacker, unpackMessages } from './packed-messages.ts';

describe('packed messages', () => {
  it('unpack to what was packed, across buffer growth', () => {
    const packer = new MessagePacker();
    const sent = Array.from({ length: 300 }, (_, i) => ({
      channelId: i % 7,
      sequence: 0,
      logTime: 1_700_000_000_000_000_000n + BigInt(i),
      publishTime: BigInt(i) * 3n,
      data: Uint8Array.from({ length: (i * 37) % 1000 }, (_, k) => (k + i) & 255),
    }));
    for (const m of sent) packer.add(m);
    expect(packer.count).toBe(300);
    const { buffer, used } = packer.take();
    expect(packer.count).toBe(0);
    expect([...unpackMessages(buffer, used)]).toEqual(sent);
    expect(packer.take().used).toBe(0);
  });
});
