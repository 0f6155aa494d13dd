// The apiserver's etcd client: KV's Range, Txn and Compact on every request, Lease's LeaseGrant
// for objects that expire (events), and Watch's stream for the watch cache (etcd-watch.ts).
// Messages are written and read by hand with the field numbers of etcd's
// api/etcdserverpb/rpc.proto and api/mvccpb/kv.proto; the calls go over grpc-channel.ts.
//
// Only what the apiserver asks for is here: ranges over one key or a prefix (optionally at a
// past revision, or counting only), transactions whose guards compare a key's create or mod
// revision for equality, with put, delete and range operations, and prefix watches.

import { WireReader, WireWriter } from '../protobuf/wire';
import {
  type ChannelTls,
  GrpcChannel,
  GrpcError,
  GrpcStatus,
  type GrpcStream,
  type StreamHandlers,
} from './grpc-channel';

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

/** One watch on a prefix (WatchCreateRequest); `startRevision` 0: from now. */
export interface WatchCreate {
  key: string;
  rangeEnd: Buffer;
  startRevision: number;
  /** Ask etcd for each event's previous key-value too. */
  prevKv: boolean;
}

/** mvccpb.Event. A delete's `kv` holds the key and the delete's revision, no value. */
export interface WatchEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
}

/** WatchResponse: events, or the watch's creation or cancellation. */
export interface WatchResponse {
  created: boolean;
  canceled: boolean;
  /** Set when the watch was cancelled because its start revision was compacted away. */
  compactRevision: number;
  cancelReason: string;
  events: WatchEvent[];
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

export function encodeWatchCreate(w: WatchCreate): WireWriter {
  // WatchRequest.create_request = 1. Fragmenting (8) stays off: a response carries whole events.
  const create = new WireWriter()
    .bytes(1, w.key)
    .bytes(2, w.rangeEnd)
    .uint(3, w.startRevision)
    .bool(6, w.prevKv);
  return new WireWriter().message(1, create);
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

function decodeEvent(b: Uint8Array): WatchEvent {
  const ev: WatchEvent = { type: 'put', kv: decodeKeyValue(EMPTY) };
  const r = new WireReader(b);
  while (!r.done) {
    const f = r.next();
    if (f.field === 1) ev.type = f.value === 1 ? 'delete' : 'put';
    else if (f.field === 2 && f.bytes) ev.kv = decodeKeyValue(f.bytes);
    else if (f.field === 3 && f.bytes) ev.prevKv = decodeKeyValue(f.bytes);
  }
  return ev;
}

export function decodeWatchResponse(b: Uint8Array): WatchResponse {
  const out: WatchResponse = {
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: '',
    events: [],
  };
  const r = new WireReader(b);
  while (!r.done) {
    const f = r.next();
    if (f.field === 3) out.created = f.value === 1;
    else if (f.field === 4) out.canceled = f.value === 1;
    else if (f.field === 5) out.compactRevision = f.value ?? 0;
    else if (f.field === 6 && f.bytes) out.cancelReason = asBuffer(f.bytes).toString();
    else if (f.field === 11 && f.bytes) out.events.push(decodeEvent(f.bytes));
  }
  return out;
}

// ---- the client ----

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

/** Every unary etcd call's deadline, through either client (etcd3 sets none by default). */
export const ETCD_CALL_DEADLINE_MS = 5000;

export interface EtcdClientOptions {
  tls?: ChannelTls;
  /** Each call's deadline (ETCD_CALL_DEADLINE_MS unless a test wants it shorter). */
  timeoutMs?: number;
}

/**
 * The calls above against `servers` (etcd's client URLs), one HTTP/2 connection at a time. A call
 * that fails for want of a connection moves to the next server and is tried again, up to 3 times:
 * a Range or Compact (harmless twice) whenever etcd is unavailable, a Txn or LeaseGrant only when
 * it certainly was not sent, since a write that may have landed must not be applied twice.
 */
export class EtcdClient {
  private readonly channels: GrpcChannel[];
  private current = 0;
  private readonly timeoutMs: number;

  constructor(servers: string[], opts: EtcdClientOptions = {}) {
    if (servers.length === 0) throw new Error('EtcdClient needs at least one etcd server');
    this.channels = servers.map((url) => new GrpcChannel(url, opts.tls));
    this.timeoutMs = opts.timeoutMs ?? ETCD_CALL_DEADLINE_MS;
  }

  async range(r: RangeRequest): Promise<RangeResponse> {
    return decodeRangeResponse(await this.call('KV/Range', encodeRange(r).finish(), true));
  }

  async txn(t: TxnRequest): Promise<TxnResponse> {
    return decodeTxnResponse(await this.call('KV/Txn', encodeTxn(t).finish(), false));
  }

  /** A new lease of `ttlSeconds` (LeaseGrant); its id in decimal, as ids pass 2^53. */
  async leaseGrant(ttlSeconds: number): Promise<string> {
    const res = await this.call('Lease/LeaseGrant', new WireWriter().uint(1, ttlSeconds).finish(), false);
    const id = WireReader.int64(res, 2);
    if (!id) {
      const refusal = WireReader.fields(res).find((f) => f.field === 4)?.bytes;
      throw new Error(
        `etcd LeaseGrant: ${refusal ? Buffer.from(refusal).toString() : 'no lease id in the answer'}`,
      );
    }
    return id;
  }

  /**
   * Drops the history before `revision` (Compact). A revision already compacted (by another
   * apiserver, or by this one just before a retry) is done, not an error.
   */
  async compact(revision: number): Promise<void> {
    try {
      await this.call('KV/Compact', new WireWriter().uint(1, revision).finish(), true);
    } catch (err) {
      if (!/required revision has been compacted/.test((err as Error).message)) throw err;
    }
  }

  /**
   * Opens etcd's Watch stream for one watch on the current server (etcd-watch.ts keeps it
   * going). A stream that fails to connect moves the client on to the next server, as calls do.
   */
  watch(create: WatchCreate, handlers: StreamHandlers): GrpcStream {
    const index = this.current;
    const stream = this.channels[index].openStream('/etcdserverpb.Watch/Watch', {
      onMessage: handlers.onMessage,
      onEnd: (err) => {
        if (err.code === GrpcStatus.UNAVAILABLE && this.current === index)
          this.current = (index + 1) % this.channels.length;
        handlers.onEnd(err);
      },
    });
    stream.send(encodeWatchCreate(create).finish());
    return stream;
  }

  close(): void {
    for (const c of this.channels) c.close();
  }

  /** `method`: service and method, e.g. KV/Range. */
  private async call(method: string, message: Buffer, idempotent: boolean): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      const channel = this.channels[this.current];
      try {
        return await channel.call(`/etcdserverpb.${method}`, message, this.timeoutMs);
      } catch (err) {
        const unavailable = err instanceof GrpcError && err.code === GrpcStatus.UNAVAILABLE;
        if (!unavailable || !(idempotent || err.notSent) || attempt === ATTEMPTS) {
          const name = method.slice(method.indexOf('/') + 1);
          throw new Error(`etcd ${name} at ${channel.url}: ${(err as Error).message}`, { cause: err });
        }
        this.current = (this.current + 1) % this.channels.length;
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS * attempt));
      }
    }
  }
}
