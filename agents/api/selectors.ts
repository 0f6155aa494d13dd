// Label selectors (apimachinery pkg/labels/selector.go) and the field selectors re-exported
// from ./field-selectors.
//
// A selector is a list of Requirements, all of which must hold (AND). The text form is what
// `kubectl get -l` and `?labelSelector=` carry:
//
//   app=web, tier in (a,b), !canary, env!=prod, track, replicas>2
//
// Parsing follows upstream's lexer/parser: identifiers are runs of characters that are neither
// whitespace nor one of `= ! ( ) , < >`; `in` and `notin` are keywords only in operator position;
// `a=` means "a equals the empty string"; `a in ()` means "a in {''}". Requirements come back
// sorted by key and their values sorted, as upstream's internalSelector does, so
// `requirementsToString` is canonical.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { badRequest } from './errors';
import { isQualifiedName, isValidLabelValue } from './names';

export * from './field-selectors';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<' }
  | { kind: 'end'; text: '' };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '<', '>']);
const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** Split selector text into tokens; two-character operators (`==`, `!=`) win over one. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (isSpace(ch)) {
      i++;
    } else if (SPECIAL.has(ch)) {
      const two = text.slice(i, i + 2);
      const op = two === '==' || two === '!=' ? two : ch;
      tokens.push({ kind: 'op', text: op as '=' });
      i += op.length;
    } else {
      let j = i;
      while (j < text.length && !isSpace(text[j]) && !SPECIAL.has(text[j])) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** A cursor over the tokens; `fail` builds upstream's "found 'x', expected: y" errors. */
class Cursor {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(): Token {
    return this.tokens[this.pos];
  }
  next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'end') this.pos++;
    return t;
  }
  isOp(t: Token, text: string): boolean {
    return t.kind === 'op' && t.text === text;
  }
  atBoundary(): boolean {
    const t = this.peek();
    return t.kind === 'end' || this.isOp(t, ',');
  }
}

const fail = (found: string, expected: string) => new Error(`found '${found}', expected: ${expected}`);

/** Parse `?labelSelector=` text. Empty text selects everything (no requirements). */
export function parseLabelSelector(text: string): Requirement[] {
  const cur = new Cursor(tokenize(text));
  const reqs: Requirement[] = [];
  try {
    if (cur.peek().kind === 'end') return reqs;
    for (;;) {
      const t = cur.peek();
      if (t.kind !== 'ident' && !cur.isOp(t, '!')) throw fail(t.text, "!, identifier, or 'end of string'");
      reqs.push(parseRequirement(cur));
      const sep = cur.next();
      if (sep.kind === 'end') break;
      if (!cur.isOp(sep, ',')) throw fail(sep.text, "',' or 'end of string'");
      const after = cur.peek();
      if (after.kind !== 'ident' && !cur.isOp(after, '!')) throw fail(after.text, "identifier after ','");
    }
  } catch (err) {
    throw badRequest(`unable to parse requirement: ${(err as Error).message}`);
  }
  return sortRequirements(reqs);
}

function parseRequirement(cur: Cursor): Requirement {
  let negated = false;
  let t = cur.next();
  if (cur.isOp(t, '!')) {
    negated = true;
    t = cur.next();
  }
  if (t.kind !== 'ident') throw fail(t.text, 'identifier');
  const key = t.text;
  if (negated || cur.atBoundary()) {
    if (negated && !cur.atBoundary()) throw fail(cur.peek().text, "',' or 'end of string'");
    return newRequirement(key, negated ? 'DoesNotExist' : 'Exists', []);
  }
  const operator = parseOperator(cur);
  const values = operator === 'In' || operator === 'NotIn' ? parseValueSet(cur) : [parseExactValue(cur)];
  return newRequirement(key, operator, values);
}

function parseOperator(cur: Cursor): Operator {
  const t = cur.next();
  const ops: Record<string, Operator> = {
    in: 'In',
    notin: 'NotIn',
    '=': 'Equals',
    '==': 'Equals',
    '!=': 'NotEquals',
    '>': 'Gt',
    '<': 'Lt',
  };
  const op = Object.hasOwn(ops, t.text) ? ops[t.text] : undefined;
  if (!op) throw fail(t.text, 'in, notin, =, ==, !=, gt, lt');
  return op;
}

/** `a=` is "equals empty string"; otherwise exactly one identifier. */
function parseExactValue(cur: Cursor): string {
  if (cur.atBoundary()) return '';
  const t = cur.next();
  if (t.kind !== 'ident') throw fail(t.text, 'identifier');
  return t.text;
}

/** `( v1, v2 )`; empty slots (`(,a)`, `()`) stand for the empty string, as upstream. */
function parseValueSet(cur: Cursor): string[] {
  const open = cur.next();
  if (!cur.isOp(open, '(')) throw fail(open.text, "'('");
  const values = new Set<string>();
  let expectValue = true;
  for (;;) {
    const t = cur.next();
    if (cur.isOp(t, ')')) {
      if (expectValue) values.add('');
      return [...values].sort();
    }
    if (cur.isOp(t, ',')) {
      if (expectValue) values.add('');
      expectValue = true;
    } else if (t.kind === 'ident' && expectValue) {
      values.add(t.text);
      expectValue = false;
    } else {
      throw fail(t.text, expectValue ? "',', ')' or identifier" : "',' or ')'");
    }
  }
}

/** Validate key and values as upstream's NewRequirement does, with its field paths. */
export function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    errs.push("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
  }
  if (operator === 'Gt' || operator === 'Lt') {
    values.forEach((v, i) => {
      if (!/^[-+]?\d+$/.test(v))
        errs.push(
          `values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
    });
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length)
      errs.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${valueErrs.join('; ')}`);
  });
  if (errs.length) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return { key, operator, values: [...new Set(values)].sort() };
}

function sortRequirements(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Does every requirement hold for these labels? No requirements → true. */
export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  return reqs.every((r) => requirementMatches(r, labels ?? {}));
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
      return has && r.values.includes(value as string);
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Non-integer label values never match (upstream logs and returns false).
      if (!has || !/^[-+]?\d+$/.test(value as string) || r.values.length !== 1) return false;
      const [have, want] = [BigInt(value as string), BigInt(r.values[0])];
      return r.operator === 'Gt' ? have > want : have < want;
    }
  }
}

/**
 * A requirement no object satisfies (In with no values): the selector a `null` LabelSelector
 * becomes. Only fromLabelSelector builds it; the parser rejects empty value sets.
 */
export const NOTHING: Requirement = Object.freeze({ key: '', operator: 'In', values: [] }) as Requirement;

/**
 * A spec's LabelSelector as requirements (apimachinery metav1 LabelSelectorAsSelector):
 *   null                         → nothing matches  ([NOTHING])
 *   undefined or {} (no terms)   → everything matches ([])
 *   matchLabels {k: v}           → k = v
 *   matchExpressions             → In / NotIn / Exists / DoesNotExist
 * Invalid keys, values or operators throw badRequest, as upstream returns an error.
 */
export function fromLabelSelector(sel: LabelSelector | undefined | null): Requirement[] {
  if (sel === null) return [NOTHING];
  if (!sel) return [];
  const reqs: Requirement[] = [];
  try {
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(newRequirement(k, 'Equals', [v]));
    for (const e of sel.matchExpressions ?? []) {
      const allowed: string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
      if (!allowed.includes(e.operator))
        throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
      reqs.push(newRequirement(e.key, e.operator as Operator, [...(e.values ?? [])]));
    }
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  return sortRequirements(reqs);
}

/** One requirement in selector text: `k=v`, `k!=v`, `k in (a,b)`, `k`, `!k`, `k>3`. */
export function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'In':
      return `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(',')})`;
    case 'Equals':
      return `${r.key}=${r.values[0] ?? ''}`;
    case 'NotEquals':
      return `${r.key}!=${r.values[0] ?? ''}`;
    case 'Gt':
      return `${r.key}>${r.values[0]}`;
    case 'Lt':
      return `${r.key}<${r.values[0]}`;
  }
}

export function requirementsToString(reqs: Requirement[]): string {
  return reqs.map(requirementToString).join(',');
}

/** A spec's selector as `?labelSelector=` text, e.g. `app=web,tier in (a,b)`. */
export function labelSelectorToString(sel: LabelSelector): string {
  return requirementsToString(fromLabelSelector(sel));
}
