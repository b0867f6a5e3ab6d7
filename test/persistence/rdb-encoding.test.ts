/**
 * RDB's building blocks against Redis's own bytes: every string a DUMP of real Redis encodes (as
 * a small integer, LZF-compressed, or verbatim with a 1-, 2- or 5-byte length) must come out of
 * RdbWriter the same, and read back through RdbReader to the value.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc64 } from '../../src/persistence/crc64.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../../src/persistence/rdb-encoding.js';
import { RawConnection } from '../helpers/raw-connection.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';
import { Rng } from '../compat/random.js';

let redis: RunningServer;
let conn: RawConnection;

before(async () => {
  redis = await startRedis();
  conn = await RawConnection.connect(redis.port, redis.host);
});

after(async () => {
  await conn.close();
  await redis.stop();
});

/** DUMP of a string value from real Redis: [RDB type + value, the 2-byte version, the CRC]. */
async function redisDump(value: Buffer): Promise<Buffer> {
  assert.equal((await conn.call(['SET', 'k', value])).toString(), '+OK\r\n');
  const reply = await conn.call(['DUMP', 'k'], 20_000);
  const headerEnd = reply.indexOf('\r\n');
  return reply.subarray(headerEnd + 2, headerEnd + 2 + Number(reply.subarray(1, headerEnd).toString()));
}

const rng = new Rng('rdb-encoding');
const VALUES: Buffer[] = [
  ...['0', '-1', '1', '127', '128', '-128', '-129', '32767', '32768', '-32768', '-32769', '2147483647', '2147483648', '-2147483648', '-2147483649', '99999999999', '12345678901234', '007', '-0', '+1', ' 1', '1 ', '1.5', ''].map((s) => Buffer.from(s)),
  Buffer.from('x'.repeat(21)),
  Buffer.from('x'.repeat(20)),
  Buffer.from('ab'.repeat(40)),
  rng.bytes(30),
  rng.bytes(63),
  rng.bytes(64),
  rng.bytes(16383),
  rng.bytes(16384),
  Buffer.from(Array.from({ length: 70_000 }, (_, i) => 97 + ((i * 31) % 7))),
  rng.bytes(70_000),
];

describe('RDB string encoding', () => {
  it('writes every form as Redis does, the payload checked by its CRC', async () => {
    for (const value of VALUES) {
      const dump = await redisDump(value);
      const w = new RdbWriter();
      w.byte(0); // RDB_TYPE_STRING
      w.string(value);
      const body = dump.subarray(0, dump.length - 10);
      assert.deepEqual(w.view, body, `value of ${value.length} bytes: ${value.subarray(0, 24).toString('latin1')}`);
      assert.equal(crc64(dump, 0, dump.length - 8), dump.readBigUInt64LE(dump.length - 8));
    }
  });

  it('reads every form back to the value', () => {
    for (const value of VALUES) {
      for (const compress of [true, false]) {
        const w = new RdbWriter();
        w.compress = compress;
        w.string(value);
        w.string(value);
        const r = new RdbReader(w.view);
        assert.deepEqual(Buffer.from(r.string()), value);
        assert.deepEqual(Buffer.from(r.string()), value);
        assert.equal(r.pos, w.length);
      }
    }
  });

  it('writes and reads lengths at every size boundary, doubles and millisecond times', () => {
    const w = new RdbWriter();
    const lengths = [0, 63, 64, 16383, 16384, 0xffffffff, 0x100000000, 2 ** 53 - 1];
    for (const n of lengths) w.len(n);
    w.double(-0.1);
    w.double(Infinity);
    w.millis(1764921600000);
    w.millis(-1n);
    assert.deepEqual([...w.view.subarray(0, 6)], [0x00, 0x3f, 0x40, 0x40, 0x7f, 0xff]);
    const r = new RdbReader(w.view);
    for (const n of lengths) assert.equal(r.len(), n);
    assert.equal(r.double(), -0.1);
    assert.equal(r.double(), Infinity);
    assert.equal(r.millis(), 1764921600000n);
    assert.equal(r.millis(), -1n);
  });

  it('names the offset where a damaged input stops making sense', () => {
    const w = new RdbWriter();
    w.string(Buffer.from('ab'.repeat(40)));
    const truncated = w.view.subarray(0, w.length - 3);
    assert.throws(() => new RdbReader(truncated).string(), (e: unknown) => e instanceof RdbFormatError && /end of input at offset/.test(e.message));
    // 0xc3, the compressed length (1 byte), the length 80 (2 bytes), then the first LZF control
    // byte: made a reference 8 KB back from the start.
    const corrupt = Buffer.from(w.view);
    assert.deepEqual([corrupt[0], corrupt[2], corrupt[3]], [0xc3, 0x40, 80]);
    corrupt[4] = 0xff;
    assert.throws(() => new RdbReader(corrupt).string(), /invalid LZF compressed string at offset 0/);
    assert.throws(() => new RdbReader(Buffer.from([0xc5])).string(), /unknown string encoding 5 at offset 0/);
    assert.throws(() => new RdbReader(Buffer.from([0x82])).len(), /unknown length encoding 0x82 at offset 0/);
    assert.throws(() => new RdbReader(Buffer.from([0xc0, 1])).len(), /a length was expected/);
  });
});
