// What exec and attach share across transports (upstream: kubelet/cri/streaming/remotecommand):
// the options from the query, the Status that ends a session, and the copying between the
// client's streams and the container's.

import type { Readable, Writable } from 'node:stream';
import type { Status } from 'kubernetes-types/meta/v1';
import { badRequest } from '../../api/errors';
import type { StreamSession } from '../runtime/types';

export interface RemoteCommandOptions {
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function parseRemoteCommand(q: URLSearchParams, requireCommand: boolean): RemoteCommandOptions {
  const bool = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const opts = {
    container: q.get('container') ?? undefined,
    command: q.getAll('command'),
    stdin: bool('stdin'),
    stdout: bool('stdout'),
    stderr: bool('stderr'),
    tty: bool('tty'),
  };
  if (requireCommand && opts.command.length === 0) throw badRequest('you must specify at least 1 command');
  if (!opts.stdin && !opts.stdout && !opts.stderr)
    throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (opts.tty) opts.stderr = false; // a terminal merges stderr into stdout
  return opts;
}

/** The Status written on the error/status channel when the command ends. */
export function exitStatus(exitCode: number): Status {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

export function errorStatus(message: string): Status {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

export interface ClientStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

/** Copy both ways until the process ends; resolves with its exit code once the output is flushed. */
export async function pumpSession(session: StreamSession, client: ClientStreams): Promise<number> {
  if (client.stdin && session.stdin) {
    const target = session.stdin;
    client.stdin.on('data', (d: Buffer) => target.write(d));
    client.stdin.on('end', () => target.end());
  }
  const copies = [copyOut(session.stdout, client.stdout), copyOut(session.stderr, client.stderr)];
  await Promise.all(copies);
  return session.exitCode();
}

function copyOut(from: Readable | null, to: Writable | undefined): Promise<void> {
  if (!from) return Promise.resolve();
  return new Promise((resolve) => {
    from.on('data', (d: Buffer) => {
      if (to && !to.write(d)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    const done = () => {
      if (to && !to.writableEnded) to.end(resolve);
      else resolve();
    };
    from.once('end', done);
    from.once('error', done);
  });
}
