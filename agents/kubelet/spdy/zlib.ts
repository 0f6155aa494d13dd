// Header-block compression for SPDY/3: one zlib stream per direction for the whole session,
// primed with the SPDY dictionary, each header block ending in a sync flush. The streams are
// stateful — a later block may refer back to bytes of an earlier one — so both the compressor and
// the decompressor live as long as the connection.

import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary';

abstract class SyncFlushed {
  private chain: Promise<unknown> = Promise.resolve();
  protected abstract readonly z: Deflate | Inflate;

  /** Feed one block and collect exactly what the sync flush releases; calls run in order. */
  protected run(input: Buffer): Promise<Buffer> {
    const next = this.chain.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          const out: Buffer[] = [];
          const onData = (d: Buffer) => out.push(d);
          const onError = (err: Error) => {
            this.z.off('data', onData);
            reject(err);
          };
          this.z.on('data', onData);
          this.z.once('error', onError);
          this.z.write(input);
          this.z.flush(constants.Z_SYNC_FLUSH, () => {
            // Output of the flush is emitted before its callback runs; read anything still buffered.
            setImmediate(() => {
              this.z.off('data', onData);
              this.z.off('error', onError);
              resolve(Buffer.concat(out));
            });
          });
        }),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.destroy();
  }
}

export class HeaderCompressor extends SyncFlushed {
  protected readonly z = createDeflate({ dictionary: SPDY3_DICTIONARY });
  compress(block: Buffer): Promise<Buffer> {
    return this.run(block);
  }
}

export class HeaderDecompressor extends SyncFlushed {
  protected readonly z = createInflate({ dictionary: SPDY3_DICTIONARY });
  decompress(block: Buffer): Promise<Buffer> {
    return this.run(block);
  }
}
