// A cpio archive in the "newc" format the kernel unpacks as an initramfs
// (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII
// header of "070701" and 13 eight-digit hex fields, the name with its NUL padded to 4 bytes,
// the data padded to 4 bytes; "TRAILER!!!" ends it. Written here because the machines have
// no `cpio` binary. Times and owners are 0 so the same inputs give the same bytes.

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const pad4 = (n) => (4 - (n % 4)) % 4;
const field = (n) => n.toString(16).padStart(8, '0');

/**
 * @typedef {{ type: 'dir', path: string, mode?: number }
 *   | { type: 'file', path: string, data: Uint8Array | string, mode?: number }
 *   | { type: 'symlink', path: string, target: string }
 *   | { type: 'char', path: string, major: number, minor: number, mode?: number }} CpioEntry
 */

function header(ino, mode, nlink, size, rdevMajor, rdevMinor, nameSize) {
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  const fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, nameSize, 0];
  return '070701' + fields.map(field).join('');
}

/** The archive's bytes for `entries`, in order (parents before children). */
export function newcArchive(entries) {
  const chunks = [];
  let length = 0;
  const push = (buf) => {
    chunks.push(buf);
    length += buf.length;
    if (pad4(length)) {
      const zeros = Buffer.alloc(pad4(length));
      chunks.push(zeros);
      length += zeros.length;
    }
  };
  const entry = (ino, name, mode, nlink, data, major = 0, minor = 0) => {
    const nameBytes = Buffer.from(name + '\0', 'utf8');
    push(Buffer.concat([Buffer.from(header(ino, mode, nlink, data.length, major, minor, nameBytes.length), 'ascii'), nameBytes]));
    if (data.length) push(Buffer.from(data));
  };
  entries.forEach((e, i) => {
    const name = e.path.replace(/^\/+/, '');
    const ino = i + 1;
    if (e.type === 'dir') entry(ino, name, S_IFDIR | (e.mode ?? 0o755), 2, Buffer.alloc(0));
    else if (e.type === 'file') entry(ino, name, S_IFREG | (e.mode ?? 0o644), 1, typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data);
    else if (e.type === 'symlink') entry(ino, name, S_IFLNK | 0o777, 1, Buffer.from(e.target, 'utf8'));
    else if (e.type === 'char') entry(ino, name, S_IFCHR | (e.mode ?? 0o600), 1, Buffer.alloc(0), e.major, e.minor);
    else throw new Error(`unknown cpio entry type ${e.type}`);
  });
  entry(0, 'TRAILER!!!', 0, 1, Buffer.alloc(0));
  return Buffer.concat(chunks);
}
