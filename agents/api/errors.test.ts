import { describe, expect, it } from 'vitest';
import {
  alreadyExists,
  badRequest,
  conflict,
  encodeStatus,
  expired,
  forbidden,
  fromStatus,
  internalError,
  invalid,
  isAlreadyExists,
  isConflict,
  isExpired,
  isInvalid,
  isNotFound,
  methodNotAllowed,
  notFound,
  pathNotFound,
  requestEntityTooLarge,
  STALE_OBJECT,
  StatusError,
  serviceUnavailable,
  tooManyRequests,
  toStatusError,
  unauthorized,
  unsupportedMediaType,
} from './errors';

const deployments = { group: 'apps', resource: 'deployments' };
const pods = { group: '', resource: 'pods' };

// One row per constructor: the reason, the HTTP code and the message kubectl will print after
// "Error from server (<reason>): ". Messages are upstream's (apimachinery errors.go).
describe('every Status reason has upstream code and message', () => {
  it.each([
    [notFound(deployments, 'web'), 'NotFound', 404, 'deployments.apps "web" not found'],
    [notFound(pods, 'p1'), 'NotFound', 404, 'pods "p1" not found'],
    [alreadyExists(pods, 'p1'), 'AlreadyExists', 409, 'pods "p1" already exists'],
    [
      conflict(deployments, 'web', STALE_OBJECT),
      'Conflict',
      409,
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    ],
    [
      invalid('Deployment', 'apps', 'web', [
        {
          type: 'FieldValueInvalid',
          field: 'spec.replicas',
          message: 'Invalid value: -1: must be greater than or equal to 0',
        },
      ]),
      'Invalid',
      422,
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      badRequest('the name of the object (a) does not match the name on the URL (b)'),
      'BadRequest',
      400,
      'the name of the object (a) does not match the name on the URL (b)',
    ],
    [
      forbidden(pods, 'p1', 'unable to create new content in namespace x because it is being terminated'),
      'Forbidden',
      403,
      'pods "p1" is forbidden: unable to create new content in namespace x because it is being terminated',
    ],
    [
      forbidden(pods, '', 'User "u" cannot list resource "pods" in API group "" at the cluster scope'),
      'Forbidden',
      403,
      'pods is forbidden: User "u" cannot list resource "pods" in API group "" at the cluster scope',
    ],
    [unauthorized(), 'Unauthorized', 401, 'Unauthorized'],
    [
      methodNotAllowed('the server does not allow this method on the requested resource'),
      'MethodNotAllowed',
      405,
      'the server does not allow this method on the requested resource',
    ],
    [expired('too old resource version: 5 (10)'), 'Expired', 410, 'too old resource version: 5 (10)'],
    [
      requestEntityTooLarge(3145728),
      'RequestEntityTooLarge',
      413,
      'the request body is larger than the 3145728 bytes allowed',
    ],
    [
      tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 5),
      'TooManyRequests',
      429,
      "Cannot evict pod as it would violate the pod's disruption budget.",
    ],
    [
      serviceUnavailable('no kubelet for node minion1'),
      'ServiceUnavailable',
      503,
      'no kubelet for node minion1',
    ],
    [
      internalError(new Error('etcd went away')),
      'InternalError',
      500,
      'Internal error occurred: etcd went away',
    ],
  ])('%#: %s', (err, reason, code, message) => {
    expect(err).toBeInstanceOf(StatusError);
    expect(err.status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason,
      code,
      message,
    });
    expect(err.reason).toBe(reason);
    expect(err.code).toBe(code);
  });

  it('415 names the content type that was refused', () => {
    const err = unsupportedMediaType('text/csv');
    expect(err.code).toBe(415);
    expect(err.message).toContain('text/csv');
  });
});

describe('details', () => {
  it('names the resource plural as details.kind, as upstream does for NotFound', () => {
    expect(notFound(deployments, 'web').status.details).toEqual({
      name: 'web',
      group: 'apps',
      kind: 'deployments',
    });
  });

  it('lists field causes for Invalid and joins several in brackets', () => {
    const err = invalid('Pod', '', 'p', [
      { type: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' },
      { type: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "P"' },
    ]);
    expect(err.message).toBe(
      'Pod "p" is invalid: [spec.containers: Required value, metadata.name: Invalid value: "P"]',
    );
    expect(err.status.details?.causes).toEqual([
      { reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' },
      { reason: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "P"' },
    ]);
  });
});

// The bytes upstream's apiserver writes (captured from kube-apiserver answers): Go struct field
// order, omitempty fields absent, and json.Encoder's newline at the end.
describe('encodeStatus writes upstream bytes', () => {
  it.each([
    [
      notFound(pods, 'nope'),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}\n',
    ],
    [
      alreadyExists(deployments, 'web'),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"web\\" already exists","reason":"AlreadyExists","details":{"name":"web","group":"apps","kind":"deployments"},"code":409}\n',
    ],
    [
      invalid('Pod', '', 'p', [
        { type: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' },
      ]),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \\"p\\" is invalid: spec.containers: Required value","reason":"Invalid","details":{"name":"p","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]},"code":422}\n',
    ],
    [
      pathNotFound(),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}\n',
    ],
    [
      badRequest('malformed URL'),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"malformed URL","reason":"BadRequest","code":400}\n',
    ],
  ])('%#', (err, bytes) => {
    expect(encodeStatus(err)).toBe(bytes);
  });
});

describe('predicates', () => {
  it('classify by reason, not by message', () => {
    expect(isNotFound(notFound(pods, 'x'))).toBe(true);
    expect(isNotFound(alreadyExists(pods, 'x'))).toBe(false);
    expect(isAlreadyExists(alreadyExists(pods, 'x'))).toBe(true);
    expect(isConflict(conflict(pods, 'x', STALE_OBJECT))).toBe(true);
    expect(isInvalid(invalid('Pod', '', 'x', []))).toBe(true);
    expect(isNotFound(new Error('pods "x" not found'))).toBe(false);
  });

  it('treat both Expired and a bare 410 as "relist"', () => {
    expect(isExpired(expired('too old'))).toBe(true);
    expect(isExpired(fromStatus({ status: 'Failure', message: 'gone' }, 410))).toBe(true);
  });

  it('toStatusError keeps StatusErrors and wraps anything else as InternalError', () => {
    const nf = notFound(pods, 'x');
    expect(toStatusError(nf)).toBe(nf);
    expect(toStatusError('boom').reason).toBe('InternalError');
  });
});
