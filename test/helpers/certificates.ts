import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A CA, a server certificate for 127.0.0.1 it signed and, with `client`, a client certificate it signed too
 * (for mTLS), made with openssl in `dir`: ca.crt, server.crt/.key, client.crt/.key.
 */
export function makeCertificates(dir: string, { client = false } = {}): void {
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
    ].concat(subject('rampart-test-ca')),
  );
  const signed = (name: string, cn: string, extensions: string) => {
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      ...subject(cn),
    ]);
    writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    ]);
  };
  signed('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\n');
  if (client) signed('client', 'rampart-test-client', 'extendedKeyUsage=clientAuth\n');
}
