import { expect, it } from 'vitest';
import { watchTimeoutSeconds } from './watch-http';

it.each([
  // [timeoutSeconds asked, --min-request-timeout, random, seconds the watch runs]
  [300, 1800, 0.5, 300],
  [undefined, 1800, 0, 1800],
  [undefined, 1800, 0.5, 2700],
  [0, 1800, 0.999, 3598.2],
  [Number.NaN, 60, 0.25, 75],
  [undefined, 0, 0.5, 0], // no minimum and none asked: the watch does not time out
])('timeoutSeconds=%s, min %s, rand %s → %s s', (asked, min, r, want) => {
  expect(watchTimeoutSeconds(asked, min, () => r)).toBeCloseTo(want);
});
