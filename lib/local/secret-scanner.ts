import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * A local secret scanner: an ECDSA P-256 key pair made at start, its public half published in
 * the shape of GitHub's secret scanning keys document, and a signer, so that the leaked-key
 * route can be tried under `npm start` (and tested) exactly as GitHub would call it. Exists in
 * the local server only; in AWS the route trusts the keys at `SECRET_SCANNER_KEYS_URL`.
 */

export interface LocalSecretScanner {
  keyIdentifier: string;
  document: { public_keys: { key_identifier: string; key: string; is_current: boolean }[] };
  /** The two headers GitHub sends with a report whose raw body is `rawBody`. */
  sign(rawBody: string | Buffer): Record<string, string>;
}

export function createLocalSecretScanner(): LocalSecretScanner {
  const { privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  const keyIdentifier = `datagate-local-scanner-${Date.now().toString(36)}`;
  return {
    keyIdentifier,
    document: {
      public_keys: [
        { key_identifier: keyIdentifier, key: publicKey.export({ type: 'spki', format: 'pem' }).toString(), is_current: true },
      ],
    },
    sign: (rawBody) => ({
      'Github-Public-Key-Identifier': keyIdentifier,
      'Github-Public-Key-Signature': sign('sha256', typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody, {
        key: privateKey,
        dsaEncoding: 'der',
      }).toString('base64'),
    }),
  };
}
