// Errors of the QEMU/qtest client. Each names what went wrong and carries QEMU's own words
// (its stderr) where it said something.

export class QemuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The QEMU binary is not on PATH (or the path given does not name an executable). */
export class QemuNotFoundError extends QemuError {
  constructor(readonly binary: string) {
    super(`QEMU not found: '${binary}' is not an executable on PATH; install qemu-system-x86 (Debian/Ubuntu: apt-get install qemu-system-x86) or pass qemuBinary`);
  }
}

/** QEMU exited (or could not be reached) before it answered its first qtest command. */
export class QemuStartError extends QemuError {
  constructor(message: string, readonly stderr: string) {
    super(stderr.trim() ? `${message}\n${stderr.trim()}` : message);
  }
}

/** A qtest or QMP command got no reply in time; the process is killed, its stream being out of step. */
export class QemuTimeoutError extends QemuError {
  constructor(readonly command: string, readonly timeoutMs: number) {
    super(`QEMU did not answer '${command}' within ${timeoutMs} ms`);
  }
}

/** QEMU is gone: it exited, was killed, or was closed. */
export class QemuExitedError extends QemuError {
  constructor(message: string, readonly stderr: string) {
    super(stderr.trim() ? `${message}\n${stderr.trim()}` : message);
  }
}

/** QEMU answered a qtest command with FAIL or ERR. */
export class QtestCommandError extends QemuError {
  constructor(readonly command: string, readonly reply: string) {
    super(`qtest '${command}' failed: ${reply}`);
  }
}

/** QEMU answered a QMP command with an error object. */
export class QmpCommandError extends QemuError {
  constructor(readonly command: string, readonly errorClass: string, readonly desc: string) {
    super(`QMP '${command}' failed: ${errorClass}: ${desc}`);
  }
}
