// Golden tests: every body kubectl 1.33 sent as protobuf decodes to what kubectl 1.31 sent as
// JSON for the same command, once JSON's empty values (`creationTimestamp: null`,
// `resources: {}`, `status: {}`) are set aside, since the protobuf form has no way to say them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, isProtobufContentType, ProtobufError, supportedKinds } from './index';
import { CAPTURED_COMMANDS } from './testdata/commands';

const dir = join(import.meta.dirname, 'testdata');

/** Drop null, {} and [] (recursively), as decodeProtobufObject never produces them. */
function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutEmpty);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const y = withoutEmpty(x);
    const empty = y === null || (typeof y === 'object' && Object.keys(y as object).length === 0);
    if (!empty) out[k] = y;
  }
  return out;
}

describe('decodeProtobufObject on bodies captured from kubectl 1.33', () => {
  it.each(Object.keys(CAPTURED_COMMANDS))('%s', (name) => {
    const body = readFileSync(join(dir, `${name}.kubectl-1.33.bin`));
    const json = JSON.parse(readFileSync(join(dir, `${name}.kubectl-1.31.json`), 'utf8'));
    delete json.status; // create ignores status, so the decoder skips it
    const unknown: string[] = [];
    expect(decodeProtobufObject(body, (p) => unknown.push(p))).toEqual(withoutEmpty(json));
    expect(unknown).toEqual([]);
  });

  it('keeps what matters in detail: ints, IntOrString, bytes as base64', () => {
    const svc = decodeProtobufObject(readFileSync(join(dir, 'service-nodeport.kubectl-1.33.bin')));
    expect(svc.spec).toEqual({
      ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: 'web' },
      type: 'NodePort',
    });
    const pdb = decodeProtobufObject(readFileSync(join(dir, 'pdb.kubectl-1.33.bin')));
    expect((pdb.spec as { minAvailable: unknown }).minAvailable).toBe('50%');
    const secret = decodeProtobufObject(readFileSync(join(dir, 'secret.kubectl-1.33.bin')));
    expect(Buffer.from((secret.data as Record<string, string>).pass, 'base64').toString()).toBe('s3cret');
  });
});

describe('envelope errors', () => {
  const deployment = readFileSync(join(dir, 'deployment.kubectl-1.33.bin'));

  it('rejects a body without the magic', () => {
    expect(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}'))).toThrow(ProtobufError);
    expect(() => decodeProtobufObject(Buffer.from('k8s'))).toThrow('magic');
  });

  it('rejects a truncated body', () => {
    expect(() => decodeProtobufObject(deployment.subarray(0, 60))).toThrow(/runs past the end|truncated/);
  });

  it('rejects kinds it has no table for, naming them', () => {
    // typeMeta {apiVersion "scheduling.k8s.io/v1", kind "PriorityClass"}, raw empty
    const typeMeta = Buffer.concat([
      Buffer.from([0x0a, 20]),
      Buffer.from('scheduling.k8s.io/v1'),
      Buffer.from([0x12, 13]),
      Buffer.from('PriorityClass'),
    ]);
    const body = Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      Buffer.from([0x0a, typeMeta.length]),
      typeMeta,
    ]);
    expect(() => decodeProtobufObject(body)).toThrow(
      'no protobuf decoding for scheduling.k8s.io/v1, Kind=PriorityClass',
    );
  });

  it('lists the kinds it decodes', () => {
    expect(supportedKinds).toEqual(
      expect.arrayContaining(['apps/v1/Deployment', 'v1/Namespace', 'v1/Service', 'batch/v1/CronJob']),
    );
  });
});

describe('isProtobufContentType', () => {
  it.each([
    ['application/vnd.kubernetes.protobuf', true],
    ['application/vnd.kubernetes.protobuf; charset=binary', true],
    ['Application/VND.Kubernetes.Protobuf', true],
    ['application/vnd.kubernetes.protobuf;stream=watch', true],
    ['application/json', false],
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (ct, want) => expect(isProtobufContentType(ct)).toBe(want));
});
