// The layer's diagnostic constructor: severity always follows the code's table entry.
import { diag, type Diagnostic } from '../bytes/diagnostic.js';
import { VIRTIO_DIAGNOSTICS, type VirtioDiagnosticCode } from './diagnostics.js';

export function vdiag(code: VirtioDiagnosticCode, offset: number | null, message: string): Diagnostic {
  return diag(VIRTIO_DIAGNOSTICS, code, offset, message);
}
