// Field errors in upstream's words (apimachinery pkg/util/validation/field/errors.go).
//
// A cause's message is what `field.Error.ErrorBody()` prints; kubectl shows it after the path:
//   The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0
// Paths are built with `at(parent, 'child')` and `idx(path, 3)` → `spec.containers[3]`.

import type { FieldCause } from '../../api/errors';

export const at = (path: string, ...children: string[]): string =>
  [path, ...children].filter(Boolean).join('.');
export const idx = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;

/**
 * How upstream prints a bad value: strings quoted, numbers and booleans bare, string maps as Go's
 * `map[string]string{"a":"b"}`, anything else as JSON.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return 'null';
  const values = typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : [];
  if (values.length > 0 && values.every((v) => typeof v === 'string')) {
    const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

export function required(field: string, detail = ''): FieldCause {
  return {
    type: 'FieldValueRequired',
    field,
    message: detail ? `Required value: ${detail}` : 'Required value',
  };
}

export function invalid(field: string, value: unknown, detail: string): FieldCause {
  return {
    type: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ''}`,
  };
}

export function notSupported(field: string, value: unknown, supported: string[]): FieldCause {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return {
    type: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${formatValue(value)}: supported values: ${list}`,
  };
}

export function duplicate(field: string, value: unknown): FieldCause {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatValue(value)}` };
}

export function forbidden(field: string, detail: string): FieldCause {
  return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

export function notFound(field: string, value: unknown): FieldCause {
  return { type: 'FieldValueNotFound', field, message: `Not found: ${formatValue(value)}` };
}

export function tooLong(field: string, maxBytes: number): FieldCause {
  return { type: 'FieldValueTooLong', field, message: `Too long: must have at most ${maxBytes} bytes` };
}

/** One Invalid cause per message a syntax check returned (the way ValidateObjectMeta reports names). */
export function invalidEach(field: string, value: unknown, messages: string[]): FieldCause[] {
  return messages.map((m) => invalid(field, value, m));
}

/** `immutable` in upstream's ValidateImmutableField wording. */
export function immutable(field: string, value: unknown): FieldCause {
  return invalid(field, value, 'field is immutable');
}

export const GE_ZERO = 'must be greater than or equal to 0';
export const PORT_RANGE = 'must be between 1 and 65535, inclusive';

/** A non-negative integer field, or nothing when unset. */
export function nonNegative(field: string, value: unknown): FieldCause[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value))
    return [invalid(field, value, 'must be an integer')];
  return value < 0 ? [invalid(field, value, GE_ZERO)] : [];
}

export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** IANA_SVC_NAME (validation.go IsValidPortName): a named port such as `http` or `dns-tcp`. */
export function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}
