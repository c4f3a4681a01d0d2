import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ErrorCodes } from '@parsl-ts/core';

/** A per-run certificate for the interchange. */
export interface RunCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** SHA-256 fingerprint (`AA:BB:...`), which worker pools pin. */
  readonly fingerprint: string;
}

/**
 * Make a self-signed certificate (EC P-256, valid 30 days) for the interchange's wss:// endpoint,
 * with the `openssl` command (Node cannot write X.509 certificates itself). Trust comes from the
 * fingerprint that worker pools are given on their command line, not from a certificate authority.
 */
export function makeRunCertificate(dir: string, address: string): RunCertificate {
  const certFile = join(dir, 'interchange.crt');
  const keyFile = join(dir, 'interchange.key');
  const altName = /^[\d.]+$/.test(address) || address.includes(':') ? `IP:${address}` : `DNS:${address}`;
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
      '-keyout', keyFile, '-out', certFile, '-subj', '/CN=parsl-ts-interchange', '-addext', `subjectAltName=${altName}`,
    ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(`the interchange's TLS certificate could not be made: ${missing ? 'openssl is not installed' : String((cause as { stderr?: Buffer }).stderr ?? cause)}`, {
      code: ErrorCodes.ExecutorStart, path: 'tls', cause,
      hint: missing ? 'install openssl (apt-get install openssl), or set tls: false on a trusted network' : 'see the cause',
    });
  }
  chmodSync(keyFile, 0o600);
  const fingerprint = new X509Certificate(readFileSync(certFile)).fingerprint256;
  return { certFile, keyFile, fingerprint };
}
