// etcd's KV service, the two calls the apiserver's storage makes on every request: Range and Txn.
// Messages are written and read by hand with the field numbers of etcd's
// api/etcdserverpb/rpc.proto and api/mvccpb/kv.proto; the calls go over grpc-unary.ts.
//
// Only what EtcdStore asks for is here: ranges over one key or a prefix (optionally at a past
// revision, or counting only), and transactions whose guards compare a key's create or mod
// revision for equality, with put, delete and range operations.

import { WireReader, WireWriter } from '../protobuf/wire';
import { type ChannelTls, GrpcChannel, GrpcError, GrpcStatus } from './grpc-unary';

/** mvccpb.KeyValue, with etcd's own field names (revisions stay far below 2^53). */
export interface KeyValue {
  key: Buffer;
  value: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
}

export interface RangeRequest {
  key: string;
  /** Exclusive end of the range (etcd's prefix end for a prefix); only `key` when absent. */
  rangeEnd?: Buffer;
  limit?: number;
  /** Read at this past revision (0: the current one). */
  revision?: number;
  countOnly?: boolean;
}

export interface RangeResponse {
  /** The store's revision when the range was read. */
  revision: number;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

/** A guard: the key's create (0 = the key is absent) or mod revision equals `equals`. */
export interface Compare {
  key: string;
  target: 'create' | 'mod';
  equals: number;
}

export type RequestOp =
  | { put: { key: string; value: Buffer; lease?: string } }
  | { deleteRange: { key: string } }
  | { range: { key: string } };

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResponse {
  revision: number;
  succeeded: boolean;
  /** One per operation of the branch taken; `range` is set for range operations. */
  responses: Array<{ range?: RangeResponse }>;
}

// ---- encoding (rpc.proto field numbers) ----

/** proto3's default for bytes: what an absent field reads as (never written to). */
const EMPTY = Buffer.alloc(0);

export function encodeRange(r: RangeRequest): WireWriter {
  return new WireWriter()
    .bytes(1, r.key)
    .bytes(2, r.rangeEnd ?? EMPTY)
    .uint(3, r.limit ?? 0)
    .uint(4, r.revision ?? 0)
    .bool(9, r.countOnly ?? false);
}

const COMPARE_TARGET = { create: 1, mod: 2 } as const;
/** Compare.target_union's member for each target: create_revision = 5, mod_revision = 6. */
const COMPARE_VALUE_FIELD = { create: 5, mod: 6 } as const;

function encodeCompare(c: Compare): WireWriter {
  // result EQUAL is 0, proto3's default, so it is not written. The revision is a oneof member:
  // it is written even when 0, or etcd would see no value to compare with.
  return new WireWriter()
    .uint(2, COMPARE_TARGET[c.target])
    .bytes(3, c.key)
    .uint(COMPARE_VALUE_FIELD[c.target], c.equals, true);
}

function encodeOp(op: RequestOp): WireWriter {
  const w = new WireWriter();
  if ('put' in op) {
    const put = new WireWriter().bytes(1, op.put.key).bytes(2, op.put.value);
    if (op.put.lease) put.int64(3, op.put.lease);
    return w.message(2, put);
  }
  if ('deleteRange' in op) return w.message(3, new WireWriter().bytes(1, op.deleteRange.key));
  return w.message(1, encodeRange(op.range));
}

export function encodeTxn(t: TxnRequest): WireWriter {
  const w = new WireWriter();
  for (const c of t.compare) w.message(1, encodeCompare(c));
  for (const op of t.success) w.message(2, encodeOp(op));
  for (const op of t.failure) w.message(3, encodeOp(op));
  return w;
}

// ---- decoding ----

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);

/** ResponseHeader: only the revision (field 3) is used. */
function decodeHeaderRevision(b: Uint8Array): number {
  const r = new WireReader(b);
  while (!r.done) {
    const f = r.next();
    if (f.field === 3) return f.value ?? 0;
  }
  return 0;
}

export function decodeKeyValue(b: Uint8Array): KeyValue {
  const kv: KeyValue = { key: EMPTY, value: EMPTY, create_revision: 0, mod_revision: 0, version: 0 };
  const r = new WireReader(b);
  while (!r.done) {
    const f = r.next();
    if (f.field === 1 && f.bytes) kv.key = asBuffer(f.bytes);
    else if (f.field === 2) kv.create_revision = f.value ?? 0;
    else if (f.field === 3) kv.mod_revision = f.value ?? 0;
    else if (f.field === 4) kv.version = f.value ?? 0;
    else if (f.field === 5 && f.bytes) kv.value = asBuffer(f.bytes);
  }
  return kv;
}

export function decodeRangeResponse(b: Uint8Array): RangeResponse {
  const out: RangeResponse = { revision: 0, kvs: [], more: false, count: 0 };
  const r = new WireReader(b);
  while (!r.done) {
    const f = r.next();
    if (f.field === 1 && f.bytes) out.revision = decodeHeaderRevision(f.bytes);
    else if (f.field === 2 && f.bytes) out.kvs.push(decodeKeyValue(f.bytes));
    else if (f.field === 3) out.more = f.value === 1;
    else if (f.field === 4) out.count = f.value ?? 0;
  }
  return out;
}

export function decodeTxnResponse(b: Uint8Array): TxnResponse {
  const out: TxnResponse = { revision: 0, succeeded: false, responses: [] };
  const r = new WireReader(b);
  while (!r.done) {
    const f = r.next();
    if (f.field === 1 && f.bytes) out.revision = decodeHeaderRevision(f.bytes);
    else if (f.field === 2) out.succeeded = f.value === 1;
    else if (f.field === 3 && f.bytes) {
      // ResponseOp: response_range = 1 (put and delete responses carry nothing used here)
      const op = WireReader.fields(f.bytes).find((x) => x.field === 1);
      out.responses.push(op?.bytes ? { range: decodeRangeResponse(op.bytes) } : {});
    }
  }
  return out;
}

// ---- the client ----

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

/** Every unary etcd call's deadline, through either client (etcd3 sets none by default). */
export const ETCD_CALL_DEADLINE_MS = 5000;

export interface EtcdKvOptions {
  tls?: ChannelTls;
  /** Each call's deadline (ETCD_CALL_DEADLINE_MS unless a test wants it shorter). */
  timeoutMs?: number;
}

/**
 * Range and Txn against `servers` (etcd's client URLs), one HTTP/2 connection at a time. A call
 * that fails for want of a connection moves to the next server and is tried again, up to 3 times;
 * a Range (a read) whenever etcd is unavailable, a Txn only when it certainly was not sent, since
 * a write that may have landed must not be applied twice.
 */
export class EtcdKv {
  private readonly channels: GrpcChannel[];
  private current = 0;
  private readonly timeoutMs: number;

  constructor(servers: string[], opts: EtcdKvOptions = {}) {
    if (servers.length === 0) throw new Error('EtcdKv needs at least one etcd server');
    this.channels = servers.map((url) => new GrpcChannel(url, opts.tls));
    this.timeoutMs = opts.timeoutMs ?? ETCD_CALL_DEADLINE_MS;
  }

  async range(r: RangeRequest): Promise<RangeResponse> {
    return decodeRangeResponse(await this.call('Range', encodeRange(r).finish(), true));
  }

  async txn(t: TxnRequest): Promise<TxnResponse> {
    return decodeTxnResponse(await this.call('Txn', encodeTxn(t).finish(), false));
  }

  close(): void {
    for (const c of this.channels) c.close();
  }

  private async call(method: 'Range' | 'Txn', message: Buffer, idempotent: boolean): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      const channel = this.channels[this.current];
      try {
        return await channel.call(`/etcdserverpb.KV/${method}`, message, this.timeoutMs);
      } catch (err) {
        const unavailable = err instanceof GrpcError && err.code === GrpcStatus.UNAVAILABLE;
        if (!unavailable || !(idempotent || err.notSent) || attempt === ATTEMPTS) {
          throw new Error(`etcd ${method} at ${channel.url}: ${(err as Error).message}`, { cause: err });
        }
        this.current = (this.current + 1) % this.channels.length;
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS * attempt));
      }
    }
  }
}
