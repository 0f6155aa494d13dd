import { describe, expect, it } from 'vitest';
import type { StatusError } from '../../api/errors';
import { defaultTokenRequestSpec, namesMismatch } from './token-request';

const AUD = ['https://kubernetes.default.svc.cluster.local'];
const statusOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return { code: (err as StatusError).code, message: (err as StatusError).message };
  }
  return undefined;
};

describe('TokenRequest spec', () => {
  it.each([
    [
      'nothing: the API audiences and an hour',
      {},
      { audiences: AUD, expirationSeconds: 3600, boundObjectRef: null },
    ],
    [
      'its own audience and ten minutes',
      { audiences: ['vault'], expirationSeconds: 600 },
      { audiences: ['vault'], expirationSeconds: 600, boundObjectRef: null },
    ],
    [
      'a pod binding, kept as sent',
      { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } },
      {
        audiences: AUD,
        expirationSeconds: 3600,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' },
      },
    ],
  ])('defaults %s', (_n, spec, want) => expect(defaultTokenRequestSpec(spec, AUD)).toEqual(want));

  it.each([
    [
      599,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    ],
    [
      2 ** 32 + 1,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
    ],
  ])('refuses expirationSeconds %d with a 422', (seconds, message) => {
    expect(statusOf(() => defaultTokenRequestSpec({ expirationSeconds: seconds }, AUD))).toEqual({
      code: 422,
      message,
    });
  });

  it('refuses a body naming another account or namespace', () => {
    expect(statusOf(() => namesMismatch({ metadata: { name: 'other' } }, 'demo', 'default'))).toEqual({
      code: 422,
      message:
        'TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
    });
    expect(statusOf(() => namesMismatch({ metadata: { namespace: 'x' } }, 'demo', 'default'))?.code).toBe(
      422,
    );
    expect(
      statusOf(() => namesMismatch({ metadata: { name: 'default', namespace: 'demo' } }, 'demo', 'default')),
    ).toBe(undefined);
  });
});
