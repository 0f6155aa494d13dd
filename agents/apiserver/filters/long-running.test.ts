import { expect, it } from 'vitest';
import { parseRequest } from '../request-info';
import { isLongRunning } from './long-running';

it.each([
  ['GET', '/api/v1/namespaces/default/pods', false],
  ['POST', '/api/v1/namespaces/default/configmaps', false],
  ['GET', '/api/v1/pods?watch=true', true],
  ['GET', '/api/v1/watch/namespaces/default/pods', true],
  ['GET', '/api/v1/namespaces/default/pods/p/log', true],
  ['POST', '/api/v1/namespaces/default/pods/p/exec', true],
  ['GET', '/api/v1/namespaces/default/pods/p/status', false],
  ['GET', '/healthz', false],
  ['GET', '/version', false],
])('%s %s → long-running %s', (method, url, want) => {
  expect(isLongRunning(parseRequest(method, url))).toBe(want);
});
