import { describe, expect, it } from 'vitest';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { applyDefaults } from './defaults';
import { validate } from './validation';

const claim = (spec: object): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'default' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const opts = { notReadyTolerationSeconds: 300, unreachableTolerationSeconds: 300 };
const defaulted = (spec: object) => applyDefaults(R.persistentvolumeclaims, claim(spec), opts);
const update = (next: object, old: object) =>
  validate(R.persistentvolumeclaims, defaulted(next), defaulted(old)).map((c) => `${c.field}: ${c.message}`);
const IMMUTABLE =
  'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

describe('PersistentVolumeClaim updates', () => {
  it.each([
    ['unset class → default class (retroactive assignment)', {}, { storageClassName: 'local-path' }, []],
    ['class changed', { storageClassName: 'a' }, { storageClassName: 'b' }, [IMMUTABLE]],
    [
      '"" class → a class ("" is a choice, not unset)',
      { storageClassName: '' },
      { storageClassName: 'a' },
      [IMMUTABLE],
    ],
    ['volumeName set once (binding)', {}, { volumeName: 'pv01' }, []],
    ['access modes changed', {}, { accessModes: ['ReadWriteMany'] }, [IMMUTABLE]],
  ])('%s', (_what, old, next, want) => {
    expect(update(next, old)).toEqual(want);
  });
});
