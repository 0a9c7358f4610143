import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { ScannerKeysDocument } from '../../functions/core/identity/secret-scanner-signature';

/**
 * A secret scanner of our own for tests: an ECDSA P-256 key pair made with node:crypto, its
 * public half published in GitHub's keys-document shape, and a signer that produces the two
 * headers GitHub sends with a partner alert.
 */

export interface TestScanner {
  keyIdentifier: string;
  privateKey: KeyObject;
  document: ScannerKeysDocument;
  /** The headers of a request carrying exactly `rawBody`. */
  sign(rawBody: string): Record<string, string>;
}

export function createTestScanner(keyIdentifier = `test-scanner-${Math.random().toString(16).slice(2)}`): TestScanner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyIdentifier,
    privateKey,
    document: { public_keys: [{ key_identifier: keyIdentifier, key: pem, is_current: true }] },
    sign: (rawBody) => ({
      'Github-Public-Key-Identifier': keyIdentifier,
      'Github-Public-Key-Signature': sign('sha256', Buffer.from(rawBody, 'utf8'), {
        key: privateKey,
        dsaEncoding: 'der',
      }).toString('base64'),
    }),
  };
}
