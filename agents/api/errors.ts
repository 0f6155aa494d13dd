// Errors are values carrying a Kubernetes Status (apimachinery pkg/api/errors/errors.go).
//
// Every failure the apiserver reports reaches the client as a `Status` object, so kubectl prints
// `Error from server (<reason>): <message>`. A StatusError is built only through the constructors
// below; callers test it with the `is…` predicates, never by comparing message text. Messages are
// built from the resource and name the user knows (`deployments.apps "web" not found`), never
// from storage keys.
//
// On the wire a Status is exactly what Go's encoding/json writes for metav1.Status: fields in
// struct order, `omitempty` fields left out when empty (so `details.group` is absent for the core
// group), and the trailing newline of json.Encoder. `encodeStatus` is the one place that writes it.

import type { Status, StatusCause } from 'kubernetes-types/meta/v1';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

/** The HTTP code upstream answers with for each reason. */
export const codeForReason: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
};

/** Who a Status is about: `group` is '' for core, `kind` is the resource plural (upstream's quirk). */
export interface Qualified {
  group: string;
  resource: string;
}

export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.name = 'StatusError';
    this.status = status;
  }
  get code(): number {
    return this.status.code ?? 500;
  }
  get reason(): StatusReason {
    return (this.status.reason ?? 'InternalError') as StatusReason;
  }
}

/** `deployments.apps` for named groups, `pods` for core: the way upstream names a resource in messages. */
export function qualifiedName(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

function statusError(
  reason: StatusReason,
  message: string,
  details?: Status['details'],
  code: number = codeForReason[reason],
): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/**
 * StatusDetails in metav1's field order; name, group and kind are omitempty, so the core group
 * (and an unnamed object) leaves its field out rather than sending "".
 */
function details(name: string, group: string, kind: string, rest: Status['details'] = {}): Status['details'] {
  return { ...(name ? { name } : {}), ...(group ? { group } : {}), ...(kind ? { kind } : {}), ...rest };
}

export function notFound(q: Qualified, name: string): StatusError {
  return statusError(
    'NotFound',
    `${qualifiedName(q)} "${name}" not found`,
    details(name, q.group, q.resource),
  );
}

/** 404 for a path no handler serves; upstream sends empty details here. */
export function pathNotFound(): StatusError {
  return statusError('NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(q: Qualified, name: string): StatusError {
  return statusError(
    'AlreadyExists',
    `${qualifiedName(q)} "${name}" already exists`,
    details(name, q.group, q.resource),
  );
}

export function conflict(q: Qualified, name: string, why: string): StatusError {
  return statusError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(q)} "${name}": ${why}`,
    details(name, q.group, q.resource),
  );
}

/** The message upstream uses for a stale resourceVersion on update. */
export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

export interface FieldCause {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueNotFound';
  field: string;
  message: string;
}

/**
 * 422 Invalid. `kind` is the object's Kind (upstream puts the Kind, not the resource, here), and
 * the message lists every cause as `field: message`, as kubectl prints it.
 */
export function invalid(kind: string, group: string, name: string, causes: FieldCause[]): StatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return statusError(
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`,
    details(name, group, kind, {
      causes: causes.map((c): StatusCause => ({ reason: c.type, message: c.message, field: c.field })),
    }),
  );
}

/**
 * 422 as NewGenericServerResponse builds it for a request that decodes but cannot apply (a failed
 * JSON patch `test`): a generic message and empty details, so kubectl prints "The request is invalid".
 */
export function requestRejected(): StatusError {
  return statusError('Invalid', 'the server rejected our request due to an error in our request', {});
}

export function badRequest(message: string): StatusError {
  return statusError('BadRequest', message);
}

export function methodNotAllowed(message: string): StatusError {
  return statusError('MethodNotAllowed', message);
}

export function unsupportedMediaType(contentType: string): StatusError {
  return statusError(
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`,
  );
}

export function requestEntityTooLarge(limitBytes: number): StatusError {
  return statusError(
    'RequestEntityTooLarge',
    `the request body is larger than the ${limitBytes} bytes allowed`,
  );
}

/** 410 for a resourceVersion older than etcd's compaction: watchers relist. */
export function expired(message: string): StatusError {
  return statusError('Expired', message);
}

export function gone(message: string): StatusError {
  return statusError('Gone', message);
}

/** `pods "p1" is forbidden: …`; without a name `pods is forbidden: …`; without a resource `forbidden: …`. */
export function forbidden(q: Qualified, name: string, why: string): StatusError {
  if (!q.resource) return statusError('Forbidden', `forbidden: ${why}`, {});
  const what = name ? `${qualifiedName(q)} "${name}"` : qualifiedName(q);
  return statusError('Forbidden', `${what} is forbidden: ${why}`, details(name, q.group, q.resource));
}

/** 401: no credentials, or credentials that prove nothing. Upstream says only "Unauthorized". */
export function unauthorized(): StatusError {
  return statusError('Unauthorized', 'Unauthorized');
}

/** 429; details carry the causes, and retryAfterSeconds only when non-zero (omitempty). */
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
  causes: StatusCause[] = [],
): StatusError {
  return statusError('TooManyRequests', message, {
    ...(causes.length ? { causes } : {}),
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  });
}

export function serviceUnavailable(message: string): StatusError {
  return statusError('ServiceUnavailable', message);
}

export function timeout(message: string): StatusError {
  return statusError('Timeout', message);
}

export function internalError(err: unknown): StatusError {
  const message = err instanceof Error ? err.message : String(err);
  return statusError('InternalError', `Internal error occurred: ${message}`);
}

/** The bytes upstream writes for a Status: compact JSON and json.Encoder's trailing newline. */
export function encodeStatus(err: StatusError): string {
  return `${JSON.stringify(err.status)}\n`;
}

/** Turn any thrown value into a StatusError, so every HTTP error path writes a Status. */
export function toStatusError(err: unknown): StatusError {
  return err instanceof StatusError ? err : internalError(err);
}

/** Rebuild a StatusError from a Status body a server sent back (the client's side of the wire). */
export function fromStatus(status: Status, httpCode: number): StatusError {
  return new StatusError({ ...status, code: status.code ?? httpCode });
}

const hasReason =
  (reason: StatusReason) =>
  (err: unknown): boolean =>
    err instanceof StatusError && err.reason === reason;

export const isNotFound = hasReason('NotFound');
export const isAlreadyExists = hasReason('AlreadyExists');
export const isConflict = hasReason('Conflict');
export const isInvalid = hasReason('Invalid');
export const isBadRequest = hasReason('BadRequest');
export const isForbidden = hasReason('Forbidden');
export const isTooManyRequests = hasReason('TooManyRequests');
/** A watch or list from a compacted resourceVersion: relist. */
export const isExpired = (err: unknown): boolean =>
  err instanceof StatusError && (err.reason === 'Expired' || err.reason === 'Gone' || err.code === 410);
