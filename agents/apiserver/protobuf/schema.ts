// Field tables and the one function that walks them.
//
// Kubernetes objects travel as proto2 messages generated from the Go types (kubernetes/api
// */generated.proto). A table maps field numbers to JSON names and types; decodeMessage reads the
// wire fields and builds the object kubectl would have sent as JSON.
//
// Go writes every non-pointer field, zero or not, so a protobuf Deployment carries
// `generateName: ""`, `paused: false` and `creationTimestamp: {}` that the JSON form leaves out
// (`omitempty`). decodeMessage drops zero values the same way, except for fields marked
// `keep`: those are Go pointers, written only when set, where `replicas: 0` or `suspend: false`
// means something.

import { text, WireError, type WireField, WireReader } from './wire';

export type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'double';

export interface FieldSpec {
  name: string;
  type: Scalar | MessageSpec;
  repeated?: boolean;
  /** map<string, value>: on the wire, repeated entries {1: key, 2: value}. */
  map?: boolean;
  /** A Go pointer: present means set, so zero values stay. */
  keep?: boolean;
  /** An embedded struct whose fields JSON writes inline (Probe's ProbeHandler, Volume's VolumeSource). */
  inline?: boolean;
}

export interface MessageSpec {
  name: string;
  fields: Record<number, FieldSpec>;
  /** Turns the decoded fields into the JSON value (Time → RFC 3339, Quantity → "250m"). */
  convert?: (o: Record<string, unknown>) => unknown;
  /** Read past without decoding (an object's status, which create ignores). */
  skip?: boolean;
}

export type FieldOpts = Pick<FieldSpec, 'repeated' | 'map' | 'keep' | 'inline'>;

export function field(name: string, type: Scalar | MessageSpec, opts: FieldOpts = {}): FieldSpec {
  return { name, type, ...opts };
}

export function message(
  name: string,
  fields: Record<number, FieldSpec>,
  convert?: MessageSpec['convert'],
): MessageSpec {
  return { name, fields, convert };
}

/** Shorthands for the tables: s('name') is a string field, list('args') a repeated string. */
export const s = (name: string, opts?: FieldOpts) => field(name, 'string', opts);
export const i = (name: string, opts?: FieldOpts) => field(name, 'int', opts);
export const b = (name: string, opts?: FieldOpts) => field(name, 'bool', opts);
export const m = (name: string, type: MessageSpec, opts?: FieldOpts) => field(name, type, opts);
export const list = (name: string, type: Scalar | MessageSpec = 'string') =>
  field(name, type, { repeated: true });
export const dict = (name: string, type: Scalar | MessageSpec = 'string') => field(name, type, { map: true });
export const KEEP: FieldOpts = { keep: true };

/** A field that is known but deliberately not decoded. */
export const skipped = (name: string) => field(name, { name, fields: {}, skip: true });

/** Reports a field number the tables do not know, as `Deployment.spec.template.spec.42`. */
export type UnknownFieldHandler = (path: string) => void;

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

function scalar(type: Scalar, f: WireField, path: string): unknown {
  const want = type === 'string' || type === 'bytes' ? 2 : type === 'double' ? 1 : 0;
  if (f.wireType !== want)
    throw new WireError(`${path}: wire type ${f.wireType}, expected ${want} for ${type}`);
  if (type === 'string') return text(f.bytes as Uint8Array);
  if (type === 'bytes') return Buffer.from(f.bytes as Uint8Array).toString('base64');
  if (type === 'bool') return f.value !== 0;
  return f.value;
}

function value(
  type: Scalar | MessageSpec,
  f: WireField,
  path: string,
  onUnknown?: UnknownFieldHandler,
): unknown {
  if (typeof type === 'string') return scalar(type, f, path);
  if (f.wireType !== 2) throw new WireError(`${path}: wire type ${f.wireType}, expected a message`);
  return decodeMessage(type, f.bytes as Uint8Array, path, onUnknown);
}

/** Repeated numbers may come packed: one length-delimited field holding back-to-back varints. */
function repeatedValues(
  spec: FieldSpec,
  f: WireField,
  path: string,
  onUnknown?: UnknownFieldHandler,
): unknown[] {
  if (f.wireType === 2 && (spec.type === 'int' || spec.type === 'bool')) {
    const r = new WireReader(f.bytes as Uint8Array);
    const out: unknown[] = [];
    while (!r.done) out.push(spec.type === 'bool' ? r.varint() !== 0 : r.varint());
    return out;
  }
  return [value(spec.type, f, path, onUnknown)];
}

/** A map entry: {1: key, 2: value}; a missing value is the zero value, which maps keep. */
function mapEntry(
  spec: FieldSpec,
  bytes: Uint8Array,
  path: string,
  onUnknown?: UnknownFieldHandler,
): [string, unknown] {
  let key = '';
  let val: unknown;
  for (const f of WireReader.fields(bytes)) {
    if (f.field === 1) key = scalar('string', f, `${path}.key`) as string;
    else if (f.field === 2) val = value(spec.type, f, `${path}[${key}]`, onUnknown);
  }
  if (val === undefined) {
    // An absent value is the zero value; a message's zero still goes through its convert.
    if (typeof spec.type === 'object') val = decodeMessage(spec.type, new Uint8Array(), path, onUnknown);
    else val = spec.type === 'bytes' || spec.type === 'string' ? '' : 0;
  }
  return [key, val];
}

export function decodeMessage(
  spec: MessageSpec,
  buf: Uint8Array,
  path = spec.name,
  onUnknown?: UnknownFieldHandler,
): unknown {
  if (spec.skip) return undefined;
  const out: Record<string, unknown> = {};
  for (const f of WireReader.fields(buf)) {
    const fs = spec.fields[f.field];
    if (!fs) {
      onUnknown?.(`${path}.${f.field}`);
      continue;
    }
    const at = `${path}.${fs.name}`;
    if (fs.map) {
      if (f.wireType !== 2) throw new WireError(`${at}: a map entry must be length-delimited`);
      const [k, v] = mapEntry(fs, f.bytes as Uint8Array, at, onUnknown);
      out[fs.name] = { ...(out[fs.name] as object), [k]: v };
    } else if (fs.repeated) {
      out[fs.name] = [...((out[fs.name] as unknown[]) ?? []), ...repeatedValues(fs, f, at, onUnknown)];
    } else if (fs.inline) {
      Object.assign(out, value(fs.type, f, path, onUnknown));
    } else {
      out[fs.name] = value(fs.type, f, at, onUnknown);
    }
  }
  for (const fs of Object.values(spec.fields)) {
    if (!fs.keep && !fs.inline && isZero(out[fs.name])) delete out[fs.name];
  }
  return spec.convert ? spec.convert(out) : out;
}
