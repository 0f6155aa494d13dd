// Request bodies: read with a size limit (413 past it), then decode by Content-Type —
// JSON, YAML (1.1, as kubectl writes it) or Kubernetes protobuf (kubectl 1.32+ sends it for
// `create deployment|namespace|service`). Patches stay text: their type is their Content-Type.

import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, requestEntityTooLarge, unsupportedMediaType } from '../api/errors';
import type { KubeObject } from '../api/types';

/** Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), decoded by protobuf/. */
export interface ProtobufCodec {
  isProtobufContentType(ct: string): boolean;
  decodeProtobufObject(buf: Buffer): KubeObject;
}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limitBytes) {
      req.resume();
      reject(requestEntityTooLarge(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limitBytes) {
        failed = true;
        reject(requestEntityTooLarge(limitBytes));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => failed || resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // The client went away, or the request timeout cut it off, before its body ended.
    req.on('close', () => req.complete || reject(badRequest('the request body ended early')));
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
}

/** Decode an object body (POST/PUT). */
export function decodeObject(
  contentType: string | undefined,
  body: Buffer,
  protobuf?: ProtobufCodec,
): KubeObject {
  const type = mediaType(contentType);
  if (body.length === 0) throw badRequest('the request body is empty');
  if (protobuf?.isProtobufContentType(type)) {
    try {
      return protobuf.decodeProtobufObject(body);
    } catch (err) {
      throw badRequest(`unable to decode protobuf body: ${(err as Error).message}`);
    }
  }
  let parsed: unknown;
  if (type === 'application/json' || type === '' || type === '*/*') {
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
  } else if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    try {
      parsed = parseYaml(body.toString('utf8'), { version: '1.1' });
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  } else {
    throw unsupportedMediaType(type);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest("Object 'Kind' is missing in the request body: expected a JSON object");
  }
  return parsed as KubeObject;
}
