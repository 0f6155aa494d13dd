// A tiny tar writer for the images the kubelet builds itself (no registry exists on these nodes).
//
// A tar archive is a sequence of 512-byte headers, each followed by the file's bytes padded to
// 512, and two zero blocks at the end (POSIX ustar). `docker import` turns such a tar into an
// image whose root file system is the archive.

export type TarEntry =
  | { type: 'file'; path: string; data: Buffer; mode?: number }
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'symlink'; path: string; target: string };

const BLOCK = 512;

export function buildTar(entries: TarEntry[]): Buffer {
  const chunks: Buffer[] = [];
  for (const e of entries) {
    const size = e.type === 'file' ? e.data.length : 0;
    chunks.push(header(e, size));
    if (e.type === 'file') {
      chunks.push(e.data, Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK));
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

function header(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const name = e.type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar path too long: ${name}`);
  const defaultMode = e.type === 'file' ? 0o644 : e.type === 'dir' ? 0o755 : 0o777;
  const mode = 'mode' in e && e.mode !== undefined ? e.mode : defaultMode;
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108); // uid
  h.write(octal(0, 8), 116); // gid
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136); // mtime: fixed, so the same inputs give the same image
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  h.write(e.type === 'file' ? '0' : e.type === 'dir' ? '5' : '2', 156);
  if (e.type === 'symlink') h.write(e.target, 157, 100, 'utf8');
  h.write('ustar\u000000', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return h;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\u0000`;
}

/** A root file system of Debian's static busybox: /bin/busybox plus one symlink per applet. */
export function busyboxRootfs(busybox: Buffer, applets: string[], extra: TarEntry[] = []): TarEntry[] {
  return [
    { type: 'dir', path: 'bin' },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    ...applets
      .filter((a) => a !== 'busybox')
      .map((a): TarEntry => ({ type: 'symlink', path: `bin/${a}`, target: 'busybox' })),
    {
      type: 'file',
      path: 'etc/passwd',
      data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n'),
    },
    { type: 'file', path: 'etc/group', data: Buffer.from('root:x:0:\nnogroup:x:65534:\n') },
    ...extra,
  ];
}
