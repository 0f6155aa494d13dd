import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { findBestMatch, unfitReason, volumeAction } from './binding';

const pv = (
  name: string,
  size: string,
  extra: Partial<PersistentVolume['spec']> = {},
  phase = 'Available',
): PersistentVolume => ({
  metadata: { name, labels: { tier: name.startsWith('fast') ? 'fast' : 'slow' } },
  spec: {
    capacity: { storage: size },
    accessModes: ['ReadWriteOnce'],
    hostPath: { path: `/data/${name}` },
    ...extra,
  },
  status: { phase },
});
const claim = (size: string, extra: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim => ({
  metadata: { name: 'data', namespace: 'demo', uid: 'u1' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...extra },
});
const ref = (name = 'data', uid?: string) => ({
  kind: 'PersistentVolumeClaim',
  namespace: 'demo',
  name,
  uid,
});

describe('findBestMatch: the smallest free volume that fits', () => {
  const volumes = [
    pv('big', '100Gi'),
    pv('two', '2Gi'),
    pv('small', '512Mi'),
    pv('shared', '5Gi', { accessModes: ['ReadWriteMany'] }),
    pv('taken', '1Gi', { claimRef: ref('other', 'u9') }, 'Bound'),
    pv('fast', '1Gi', { storageClassName: 'fast' }),
    pv('released', '1Gi', {}, 'Released'),
  ];
  it.each([
    ['1Gi RWO, no class', claim('1Gi'), 'two'],
    ['1Gi RWX', claim('1Gi', { accessModes: ['ReadWriteMany'] }), 'shared'],
    ['1Gi of class fast', claim('1Gi', { storageClassName: 'fast' }), 'fast'],
    ['class "" is no class', claim('1Gi', { storageClassName: '' }), 'two'],
    [
      'selector tier=fast without the class',
      claim('1Gi', { selector: { matchLabels: { tier: 'fast' } } }),
      undefined,
    ],
    ['200Gi: nothing that big', claim('200Gi'), undefined],
    ['volumeName picks that volume', claim('1Gi', { volumeName: 'big' }), 'big'],
    ['volumeName of a taken volume', claim('1Gi', { volumeName: 'taken' }), undefined],
    ['Block mode wants a Block volume', claim('1Gi', { volumeMode: 'Block' }), undefined],
  ])('%s → %s', (_what, c, want) => {
    expect(findBestMatch(c, volumes)?.metadata?.name).toBe(want);
  });

  it('prefers a volume pre-bound to the claim over a smaller free one', () => {
    const pre = pv('pre', '10Gi', { claimRef: ref() });
    expect(findBestMatch(claim('1Gi'), [pv('two', '2Gi'), pre])?.metadata?.name).toBe('pre');
  });

  it('says why a volume does not fit', () => {
    expect(unfitReason(pv('small', '512Mi'), claim('1Gi'))).toBe('too small');
    expect(unfitReason(pv('taken', '1Gi', { claimRef: ref('x', 'u9') }), claim('1Gi'))).toBe(
      'bound to another claim',
    );
  });
});

describe('volumeAction: a volume phase from its claimRef and the claim', () => {
  const bound = claim('1Gi', { volumeName: 'v' });
  const v = (phase: string, extra: Partial<PersistentVolume['spec']> = {}) => ({
    ...pv('v', '1Gi', extra, phase),
  });
  it.each([
    ['no claimRef, Pending', v('Pending'), undefined, { kind: 'phase', phase: 'Available' }],
    ['no claimRef, Available', v('Available'), undefined, { kind: 'none' }],
    [
      'claim bound to it',
      v('Available', { claimRef: ref('data', 'u1') }),
      bound,
      { kind: 'phase', phase: 'Bound' },
    ],
    ['pre-bound, claim not yet bound', v('Available', { claimRef: ref() }), claim('1Gi'), { kind: 'none' }],
    [
      'claim gone',
      v('Bound', { claimRef: ref('data', 'u1') }),
      undefined,
      { kind: 'phase', phase: 'Released' },
    ],
    [
      'claim recreated (new uid)',
      v('Bound', { claimRef: ref('data', 'old') }),
      bound,
      { kind: 'phase', phase: 'Released' },
    ],
    [
      'Released, Retain',
      v('Released', { claimRef: ref('data', 'u1'), persistentVolumeReclaimPolicy: 'Retain' }),
      undefined,
      { kind: 'none' },
    ],
    [
      'Released, Recycle',
      v('Released', { claimRef: ref('data', 'u1'), persistentVolumeReclaimPolicy: 'Recycle' }),
      undefined,
      { kind: 'reclaim', policy: 'Recycle' },
    ],
    [
      'Released, Delete',
      v('Released', { claimRef: ref('data', 'u1'), persistentVolumeReclaimPolicy: 'Delete' }),
      undefined,
      { kind: 'reclaim', policy: 'Delete' },
    ],
    ['Failed stays', v('Failed', { claimRef: ref('data', 'u1') }), undefined, { kind: 'none' }],
  ])('%s', (_what, volume, c, want) => {
    expect(volumeAction(volume, c)).toEqual(want);
  });
});
