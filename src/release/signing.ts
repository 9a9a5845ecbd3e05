import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `SHA256SUMS` in the format `sha256sum -c` reads: the hex digest, two spaces, the file name. */
export function checksums(files: readonly { name: string; data: Buffer }[]): string {
  return files.map((f) => `${sha256(f.data)}  ${f.name}\n`).join('');
}

/**
 * The ed25519 signing key, from `--signing-key <file>` or RAMPART_RELEASE_SIGNING_KEY (PEM text). It is never read
 * from the repository and never written anywhere by the release.
 */
export function loadSigningKey(file: string | undefined, env: NodeJS.ProcessEnv): KeyObject {
  const pem = file ? readFileSync(file, 'utf8') : env.RAMPART_RELEASE_SIGNING_KEY;
  if (!pem)
    throw new Error(
      'no signing key: pass --signing-key <file> or set RAMPART_RELEASE_SIGNING_KEY (an ed25519 private key in PEM)',
    );
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`the signing key is not a PEM private key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the signing key is ${key.asymmetricKeyType}, not ed25519`);
  return key;
}

/** The detached signature of SHA256SUMS, base64 on one line. */
export function signChecksums(sums: string, key: KeyObject): string {
  return `${sign(null, Buffer.from(sums), key).toString('base64')}\n`;
}

/** The public half, as the base64 of its raw 32 bytes: what the installer pins. */
export function publicKeyOf(key: KeyObject): string {
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64');
}
