// Kubernetes protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`).
//
// kubectl 1.32 and 1.33 create objects through generated typed clients that prefer protobuf, so
// `kubectl create deployment|namespace|service|configmap|secret|job|cronjob|serviceaccount|pdb`
// arrive in this form, and a 415 reply does not make kubectl retry in JSON. The envelope is
// (apimachinery pkg/runtime/serializer/protobuf, pkg/runtime/generated.proto):
//
//   "k8s\0"                               4-byte magic
//   runtime.Unknown {
//     1: typeMeta { 1: apiVersion, 2: kind }
//     2: raw             the object itself, as its kind's message
//     3: contentEncoding ("" — nothing else is used)
//     4: contentType     ("" — the raw bytes are protobuf)
//   }
//
// decodeProtobufObject returns the JSON shape the rest of the apiserver works with.

import type { KubeObject } from '../../api/types';
import { kinds } from './messages/kinds';
import { decodeMessage, type UnknownFieldHandler } from './schema';
import { text, WireReader } from './wire';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from('k8s\0', 'latin1');

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

/** True for `application/vnd.kubernetes.protobuf`, with or without parameters. */
export function isProtobufContentType(ct: string | undefined | null): boolean {
  return (ct ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function readEnvelope(body: Buffer): Envelope {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufError('body does not start with the Kubernetes protobuf magic "k8s\\0"');
  }
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '' };
  for (const f of WireReader.fields(body.subarray(MAGIC.length))) {
    if (f.field === 1 && f.bytes) {
      for (const t of WireReader.fields(f.bytes)) {
        if (t.field === 1 && t.bytes) env.apiVersion = text(t.bytes);
        if (t.field === 2 && t.bytes) env.kind = text(t.bytes);
      }
    } else if (f.field === 2 && f.bytes) env.raw = f.bytes;
    else if (f.field === 3 && f.bytes) env.contentEncoding = text(f.bytes);
  }
  return env;
}

/** The kinds this decoder has tables for, as `apiVersion/kind`. */
export const supportedKinds = Object.keys(kinds);

/**
 * Decode a protobuf body into the object's JSON form. Throws ProtobufError for a bad envelope or
 * a kind without a table; WireError for malformed bytes. Field numbers the tables do not know are
 * skipped and, if `onUnknown` is given, reported by path.
 */
export function decodeProtobufObject(body: Buffer, onUnknown?: UnknownFieldHandler): KubeObject {
  const env = readEnvelope(body);
  if (env.contentEncoding) throw new ProtobufError(`unsupported content encoding "${env.contentEncoding}"`);
  if (!env.kind) throw new ProtobufError('the body names no kind (runtime.Unknown.typeMeta is empty)');
  const spec = kinds[`${env.apiVersion}/${env.kind}`];
  if (!spec)
    throw new ProtobufError(`no protobuf decoding for ${env.apiVersion}, Kind=${env.kind}; send JSON`);
  const obj = decodeMessage(spec, env.raw, env.kind, onUnknown) as Record<string, unknown>;
  return { apiVersion: env.apiVersion, kind: env.kind, ...obj };
}

export { WireError } from './wire';
