// One SSH session per host, over node-ssh, with the pitfalls of node-ssh handled once:
//   - keepalive on (node-ssh leaves it off), bounded connect (readyTimeout);
//   - execCommand never rejects, so every command's exit code is checked here;
//   - no command timeouts in node-ssh: each command gets one and its channel is closed on expiry;
//   - sudo without a tty: `sudo -n` fails fast instead of waiting for a password prompt;
//   - host keys: trust on first use, pinned in .nodekube/known_hosts (k3sup and kube-up ignored
//     them; k0sctl users hit "host key mismatch" after re-creating machines — `nodekube down`
//     forgets the keys of machines it destroys, and --forget-host-keys does it by hand).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { Host } from './inventory';

export interface ExecOptions {
  sudo?: boolean;
  /** Milliseconds; default 60 s. */
  timeoutMs?: number;
  stdin?: string | Readable;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFail?: boolean;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class RemoteCommandError extends Error {
  constructor(
    readonly host: string,
    readonly command: string,
    readonly result: ExecResult,
  ) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    super(`${host}: \`${shorten(command)}\` exited ${result.code}${detail ? `: ${detail}` : ''}`);
  }
}

/** A command as one shell word: single quotes, with embedded quotes closed and reopened. */
export const shellQuote = (s: string): string =>
  /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;

export class KnownHosts {
  private entries = new Map<string, string>();
  constructor(private readonly file: string) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const [id, fp] = line.trim().split(/\s+/);
        if (id && fp) this.entries.set(id, fp);
      }
    } catch {
      // first run: no file yet
    }
  }
  /** True when the key matches what we saw before, or is new (then it is recorded). */
  check(id: string, key: Buffer): boolean {
    const fp = `SHA256:${createHash('sha256').update(key).digest('base64')}`;
    const known = this.entries.get(id);
    if (known) return known === fp;
    this.entries.set(id, fp);
    this.save();
    return true;
  }
  forget(ids: string[]): void {
    for (const id of ids) this.entries.delete(id);
    this.save();
  }
  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, [...this.entries].map(([id, fp]) => `${id} ${fp}\n`).join(''));
  }
}

export const hostKeyId = (h: Host): string => `${h.name}@${h.ssh.host}:${h.ssh.port}`;

export class Remote {
  private constructor(
    readonly host: Host,
    private readonly ssh: NodeSSH,
  ) {}

  static async connect(host: Host, knownHosts: KnownHosts, timeoutMs = 20_000): Promise<Remote> {
    const ssh = new NodeSSH();
    let keyMismatch = false;
    try {
      await ssh.connect({
        host: host.ssh.host,
        port: host.ssh.port,
        username: host.ssh.user,
        privateKeyPath: host.ssh.keyFile,
        agent: host.ssh.keyFile ? undefined : process.env.SSH_AUTH_SOCK,
        readyTimeout: timeoutMs,
        keepaliveInterval: 5_000,
        keepaliveCountMax: 4,
        hostVerifier: (key: Buffer) => {
          keyMismatch = !knownHosts.check(hostKeyId(host), key);
          return !keyMismatch;
        },
      });
    } catch (err) {
      const where = `${host.ssh.user}@${host.ssh.host}:${host.ssh.port}`;
      if (keyMismatch) {
        throw new Error(
          `${where}: host key changed since first contact (recorded in .nodekube/known_hosts); if ${host.name} was re-created, rerun with --forget-host-keys`,
        );
      }
      throw new Error(
        `cannot SSH to ${where} (${(err as Error).message}); check the machine is up and the key ${host.ssh.keyFile ?? '(ssh-agent)'} is authorized`,
      );
    }
    return new Remote(host, ssh);
  }

  /** Runs a shell command; throws RemoteCommandError on a non-zero exit unless allowFail. */
  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const full = opts.sudo ? `sudo -n sh -c ${shellQuote(command)}` : command;
    const timeoutMs = opts.timeoutMs ?? 60_000;
    let channel: { close(): void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        channel?.close();
        reject(new Error(`${this.host.name}: \`${shorten(command)}\` timed out after ${timeoutMs / 1000}s`));
      }, timeoutMs);
    });
    try {
      const r = await Promise.race([
        this.ssh.execCommand(full, {
          stdin: opts.stdin,
          onChannel: (c) => {
            channel = c;
          },
          onStdout: opts.onStdout,
          onStderr: opts.onStderr,
        }),
        timeout,
      ]);
      const result = { stdout: r.stdout, stderr: r.stderr, code: r.code ?? (r.signal ? 128 : 255) };
      if (result.code !== 0 && !opts.allowFail) throw new RemoteCommandError(this.host.name, command, result);
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes a root-owned file only when its content differs; true when it changed. */
  async writeFileIfChanged(path: string, content: string, mode = '0644'): Promise<boolean> {
    return (await this.writeFilesIfChanged([{ path, content, mode }])).length > 0;
  }

  /**
   * Many root-owned files at once: one round trip reads every hash, then only the files whose
   * content differs are written (created 0600 under umask 077, so a key is never readable by
   * others, even for a moment). Returns the paths written.
   */
  async writeFilesIfChanged(files: { path: string; content: string; mode: string }[]): Promise<string[]> {
    const r = await this.exec(`sha256sum ${files.map((f) => shellQuote(f.path)).join(' ')} 2>/dev/null`, {
      sudo: true,
      allowFail: true,
    });
    const have = new Map(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(66), line.slice(0, 64)]),
    );
    const written: string[] = [];
    for (const f of files) {
      if (have.get(f.path) === createHash('sha256').update(f.content).digest('hex')) continue;
      const tmp = shellQuote(`${f.path}.nodekube-tmp`);
      await this.exec(
        `mkdir -p ${shellQuote(dirname(f.path))} && (umask 077 && cat > ${tmp}) && chmod ${f.mode} ${tmp} && mv ${tmp} ${shellQuote(f.path)}`,
        { sudo: true, stdin: f.content },
      );
      written.push(f.path);
    }
    return written;
  }

  dispose(): void {
    this.ssh.dispose();
  }
}

/** Connections for a run, opened lazily, one per host, closed together. */
export class Sessions {
  private readonly open = new Map<string, Promise<Remote>>();
  constructor(readonly knownHosts: KnownHosts) {}
  get(host: Host): Promise<Remote> {
    let r = this.open.get(host.name);
    if (!r) {
      r = Remote.connect(host, this.knownHosts);
      r.catch(() => this.open.delete(host.name));
      this.open.set(host.name, r);
    }
    return r;
  }
  async closeAll(): Promise<void> {
    for (const r of this.open.values()) (await r.catch(() => undefined))?.dispose();
    this.open.clear();
  }
}

function shorten(cmd: string): string {
  const one = cmd.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 77)}…` : one;
}
