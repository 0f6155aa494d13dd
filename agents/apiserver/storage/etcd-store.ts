// The only code in nodekube that reads and writes etcd (DESIGN: "everything goes through the
// apiserver"); its calls travel over etcd-client.ts.
//
// Objects live at /registry/<resource>/<namespace>/<name> as JSON. An object's resourceVersion is
// its etcd mod_revision, so it is never stored in the value: it is stamped on when read
// (upstream: storage/etcd3/store.go does the same with its versioner). Every write is one etcd
// transaction guarded on the key's revision:
//   create  — create_revision == 0, else AlreadyExists
//   update  — mod_revision == the revision the caller read, else Conflict
//   delete  — mod_revision == the revision the caller read, else Conflict
// Extra guarded writes (the service IP / NodePort bitmaps) ride in the same transaction, so an
// allocation and the object that owns it are committed together or not at all.
//
// Object values pass through a ValueTransform on their way in and out (encryption at rest,
// --encryption-provider-config); so do the ones a watch brings, which carry the stored bytes.

import type { KubeObject, Mutable, ObjectMeta } from '../../api/types';
import { PLAIN_VALUES, type ValueTransform } from './encryption/providers';
import { type Compare, EtcdClient, type RequestOp } from './etcd-client';
import type { ChannelTls } from './grpc-channel';

/** An additional key written in the same transaction, guarded on its own revision (0 = absent). */
export interface SideWrite {
  key: string;
  /** The mod_revision the caller read; 0 when the key did not exist. */
  expectedRevision: number;
  /** New value, or null to delete the key. */
  value: string | null;
}

export type WriteOutcome = { ok: true; revision: number } | { ok: false; current: Stored | null };

export interface Stored {
  obj: KubeObject;
  /** etcd mod_revision: the object's resourceVersion. */
  revision: number;
}

export interface ListResult {
  items: Stored[];
  /** The etcd revision the list was read at. */
  revision: number;
}

/** etcd's "prefix end": the prefix with its last byte incremented. */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  b[b.length - 1] += 1;
  return b;
}

/** A key and value as etcd returns them, from a read or a watch event. */
export interface StoredBytes {
  key: Buffer;
  value: Buffer;
  mod_revision: number;
}

/** Parse a stored value and stamp its resourceVersion from the key's mod_revision. */
export function decodeKv(kv: StoredBytes, values: ValueTransform = PLAIN_VALUES): Stored {
  let plain: Buffer;
  try {
    plain = values.fromStorage(kv.key.toString(), kv.value);
  } catch (err) {
    // Upstream's wording (storage/etcd3/store.go); the 500 it becomes names the key to repair.
    throw new Error(`unable to transform key "${kv.key.toString()}": ${(err as Error).message}`);
  }
  const obj = JSON.parse(plain.toString()) as KubeObject;
  const revision = kv.mod_revision;
  // Set in place on the object just parsed, not copied with a spread: past a few objects V8
  // gives every `{ ...metadata, resourceVersion }` its own hidden class (the copy goes through
  // its slow path), and the watch cache holds each: 14,096 pod metadata objects had 14,096
  // classes in a heap snapshot of the apiserver with 10k pods (2026-12-03-vm-memory-diagnosis.json).
  obj.metadata ??= {};
  (obj.metadata as Mutable<ObjectMeta>).resourceVersion = String(revision);
  return { obj, revision };
}

/** The value written to etcd: the object without its resourceVersion. */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata: meta });
}

/** The apiserver's etcd client for `servers`; `tls` (etcd-tls.ts) for https:// ones. */
export function connectEtcd(servers: string[], tls?: ChannelTls): EtcdClient {
  return new EtcdClient(servers, { tls });
}

/** How long one granted lease is shared by new writes (upstream storage/etcd3/lease_manager.go). */
const LEASE_REUSE_MS = 60_000;

export class EtcdStore {
  /** The highest revision this apiserver has written or read: lists from the cache wait for it. */
  private highestSeen = 0;
  private lease?: { id: string; ttl: number; grantedAt: number };

  constructor(
    /** Also the watch cache's, for its watch streams. */
    readonly etcd: EtcdClient,
    readonly values: ValueTransform = PLAIN_VALUES,
  ) {}

  get lastRevision(): number {
    return this.highestSeen;
  }

  private observe(revision: number | string | undefined): number {
    const n = Number(revision ?? 0);
    if (n > this.highestSeen) this.highestSeen = n;
    return n;
  }

  async get(key: string): Promise<Stored | null> {
    const res = await this.etcd.range({ key });
    this.observe(res.revision);
    return res.kvs.length ? decodeKv(res.kvs[0], this.values) : null;
  }

  /** A value as stored, untransformed: for the allocator bitmaps, which are not objects. */
  async getRaw(key: string): Promise<{ value: string; revision: number } | null> {
    const res = await this.etcd.range({ key });
    this.observe(res.revision);
    return res.kvs.length
      ? { value: res.kvs[0].value.toString(), revision: Number(res.kvs[0].mod_revision) }
      : null;
  }

  async list(prefix: string): Promise<ListResult> {
    const res = await this.etcd.range({ key: prefix, rangeEnd: prefixEnd(prefix) });
    return {
      items: res.kvs.map((kv) => decodeKv(kv, this.values)),
      revision: this.observe(res.revision),
    };
  }

  /** The current etcd revision (a cheap count-only range). */
  async currentRevision(): Promise<number> {
    const res = await this.etcd.range({
      key: '/registry/',
      rangeEnd: prefixEnd('/registry/'),
      countOnly: true,
    });
    return this.observe(res.revision);
  }

  /** `ttlSeconds`: etcd deletes the key by itself that long after this write (events: 1 h). */
  async create(key: string, obj: KubeObject, side: SideWrite[] = [], ttlSeconds = 0): Promise<WriteOutcome> {
    const lease = ttlSeconds > 0 ? await this.leaseFor(ttlSeconds) : undefined;
    return this.txn({ key, target: 'create', equals: 0 }, encodeObject(obj), side, lease);
  }

  async update(
    key: string,
    obj: KubeObject,
    expectedRevision: number,
    side: SideWrite[] = [],
    ttlSeconds = 0,
  ): Promise<WriteOutcome> {
    const lease = ttlSeconds > 0 ? await this.leaseFor(ttlSeconds) : undefined;
    return this.txn({ key, target: 'mod', equals: expectedRevision }, encodeObject(obj), side, lease);
  }

  /**
   * A lease that outlives `ttlSeconds` from now. One lease is shared by every write within a
   * minute (its TTL padded by that minute), so a burst of events costs one grant, not thousands.
   */
  private async leaseFor(ttlSeconds: number): Promise<string> {
    const now = Date.now();
    const l = this.lease;
    if (l && l.ttl === ttlSeconds && now - l.grantedAt < LEASE_REUSE_MS) return l.id;
    const id = await this.etcd.leaseGrant(ttlSeconds + LEASE_REUSE_MS / 1000);
    this.lease = { id, ttl: ttlSeconds, grantedAt: now };
    return this.lease.id;
  }

  delete(key: string, expectedRevision: number, side: SideWrite[] = []): Promise<WriteOutcome> {
    return this.txn({ key, target: 'mod', equals: expectedRevision }, null, side);
  }

  /** The object's write and its side writes, all guarded; on a failed guard, the object as it is. */
  private async txn(
    guard: Compare,
    value: string | null,
    side: SideWrite[],
    lease?: string,
  ): Promise<WriteOutcome> {
    const { key } = guard;
    const res = await this.etcd.txn({
      compare: [guard, ...side.map(guardFor)],
      success: [
        opFor({ key, value: value === null ? null : this.values.toStorage(key, Buffer.from(value)) }, lease),
        ...side.map((w) => opFor(w)),
      ],
      failure: [{ range: { key } }],
    });
    const revision = this.observe(res.revision);
    if (res.succeeded) return { ok: true, revision };
    const kvs = res.responses[0]?.range?.kvs ?? [];
    return { ok: false, current: kvs.length ? decodeKv(kvs[0], this.values) : null };
  }

  /** Compact etcd history up to `revision` (the apiserver's job upstream, every 5 minutes). */
  async compact(revision: number): Promise<void> {
    await this.etcd.compact(revision);
  }

  close(): void {
    this.etcd.close();
  }
}

function guardFor(w: SideWrite): Compare {
  return w.expectedRevision === 0
    ? { key: w.key, target: 'create', equals: 0 }
    : { key: w.key, target: 'mod', equals: w.expectedRevision };
}

function opFor(w: { key: string; value: string | Buffer | null }, lease?: string): RequestOp {
  if (w.value === null) return { deleteRange: { key: w.key } };
  const value = typeof w.value === 'string' ? Buffer.from(w.value) : w.value;
  return { put: { key: w.key, value, lease } };
}
