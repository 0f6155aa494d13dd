// meta/v1 and the two value types every kind uses (apimachinery pkg/apis/meta/v1/generated.proto,
// pkg/util/intstr/generated.proto, pkg/api/resource/generated.proto). Field numbers are upstream's.

import { b, dict, i, KEEP, list, m, message, s } from '../schema';

/** Time is {seconds, nanos}; JSON writes it as RFC 3339 with second precision, `null` when zero. */
export const Time = message('Time', { 1: i('seconds'), 2: i('nanos') }, (o) =>
  typeof o.seconds === 'number' ? new Date(o.seconds * 1000).toISOString().replace('.000Z', 'Z') : undefined,
);

/** IntOrString is {type: 0 int | 1 string, intVal, strVal}; JSON writes the bare number or string. */
export const IntOrString = message('IntOrString', { 1: i('type'), 2: i('intVal'), 3: s('strVal') }, (o) =>
  o.type === 1 ? (o.strVal ?? '') : (o.intVal ?? 0),
);

/** Quantity travels as its canonical string ("250m", "128Mi"). */
export const Quantity = message('Quantity', { 1: s('string') }, (o) => o.string ?? '');

export const OwnerReference = message('OwnerReference', {
  1: s('kind'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
  6: b('controller', KEEP),
  7: b('blockOwnerDeletion', KEEP),
});

export const ObjectMeta = message('ObjectMeta', {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  4: s('selfLink'),
  5: s('uid'),
  6: s('resourceVersion'),
  7: i('generation'),
  8: m('creationTimestamp', Time),
  9: m('deletionTimestamp', Time),
  10: i('deletionGracePeriodSeconds', KEEP),
  11: dict('labels'),
  12: dict('annotations'),
  13: list('ownerReferences', OwnerReference),
  14: list('finalizers'),
});

export const LabelSelectorRequirement = message('LabelSelectorRequirement', {
  1: s('key'),
  2: s('operator'),
  3: list('values'),
});

export const LabelSelector = message('LabelSelector', {
  1: dict('matchLabels'),
  2: list('matchExpressions', LabelSelectorRequirement),
});

export const Preconditions = message('Preconditions', { 1: s('uid', KEEP), 2: s('resourceVersion', KEEP) });

export const DeleteOptions = message('DeleteOptions', {
  1: i('gracePeriodSeconds', KEEP),
  2: m('preconditions', Preconditions, KEEP),
  3: b('orphanDependents', KEEP),
  4: s('propagationPolicy', KEEP),
  5: list('dryRun'),
});
