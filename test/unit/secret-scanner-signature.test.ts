import { generateKeyPairSync } from 'node:crypto';
import {
  createScannerKeySource,
  isValidScannerSignature,
  parseScannerKeys,
  verifyScannerRequest,
} from '../../functions/core/identity/secret-scanner-signature';
import { createTestScanner } from '../support/scanner-keys';

const BODY = JSON.stringify([
  { token: 'dgk_example', type: 'datagate_api_key', url: 'https://github.com/o/r/blob/x/f', source: 'content' },
]);

function signatureOf(headers: Record<string, string>) {
  return { signature: headers['Github-Public-Key-Signature'], keyIdentifier: headers['Github-Public-Key-Identifier'] };
}

describe('secret scanner signatures (GitHub partner programme format)', () => {
  const scanner = createTestScanner('key-1');
  const keys = parseScannerKeys(scanner.document);

  it('accepts the signature of the exact raw body by the published key', () => {
    const { signature } = signatureOf(scanner.sign(BODY));
    expect(isValidScannerSignature(BODY, signature!, keys.get('key-1')!)).toBe(true);
  });

  it('refuses a body changed by one byte, even whitespace', () => {
    const { signature } = signatureOf(scanner.sign(BODY));
    expect(isValidScannerSignature(`${BODY} `, signature!, keys.get('key-1')!)).toBe(false);
    expect(isValidScannerSignature(BODY.replace('content', 'commit'), signature!, keys.get('key-1')!)).toBe(false);
  });

  it("refuses another key pair's signature and malformed signatures without throwing", () => {
    const other = createTestScanner('key-1');
    const { signature } = signatureOf(other.sign(BODY));
    expect(isValidScannerSignature(BODY, signature!, keys.get('key-1')!)).toBe(false);
    for (const bad of ['', 'not base64!', 'AAAA', 'A'.repeat(500), Buffer.from('garbage der').toString('base64')]) {
      expect(isValidScannerSignature(BODY, bad, keys.get('key-1')!)).toBe(false);
    }
  });

  it('keeps only P-256 keys from the document and refuses a document of another shape', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const parsed = parseScannerKeys({
      public_keys: [
        ...scanner.document.public_keys,
        { key_identifier: 'rsa', key: rsa, is_current: false },
        { key_identifier: 'junk', key: 'not a pem', is_current: false },
      ],
    });
    expect([...parsed.keys()]).toEqual(['key-1']);
    expect(() => parseScannerKeys({ keys: [] })).toThrow(/shape/);
  });

  it("verifies GitHub's own published sample alert (payload, key and signature from its partner programme docs)", () => {
    // From docs.github.com, "Secret scanning partner program", signature verification sample.
    const github = parseScannerKeys({
      public_keys: [
        {
          key_identifier: '90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a',
          key: [
            '-----BEGIN PUBLIC KEY-----',
            'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9MJJHnMfn2+H4xL4YaPDA4RpJqUq',
            'kCmRCBnYERxZanmcpzQSXs1X/AljlKkbJ8qpVIW4clayyef9gWhFbNHWAA==',
            '-----END PUBLIC KEY-----',
          ].join('\n'),
          is_current: true,
        },
      ],
    });
    const key = github.get('90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a')!;
    const payload = '[{"token":"some_token","type":"some_type","url":"some_url"}]';
    const signature = 'MEUCIQDKZokqnCjrRtw0tni+2Ltvl/uiMJ1EGumEsp1BsNr32AIgQY1YXD2nlj+XNfGK4rBfkMJ1JDOQcYXxa2sY8FNkrKc=';
    expect(isValidScannerSignature(payload, signature, key)).toBe(true);
    expect(isValidScannerSignature(payload.replace('some_url', 'other_url'), signature, key)).toBe(false);
  });

  it('answers unsigned, unknown-key, bad-signature and valid for the four kinds of request', async () => {
    const source = createScannerKeySource({ url: 'https://scanner.example/keys', fetchDocument: async () => scanner.document });
    const headers = signatureOf(scanner.sign(BODY));
    expect(await verifyScannerRequest(source, BODY, { signature: undefined, keyIdentifier: 'key-1' })).toBe('unsigned');
    expect(await verifyScannerRequest(source, BODY, { ...headers, keyIdentifier: undefined })).toBe('unsigned');
    expect(await verifyScannerRequest(source, BODY, { ...headers, keyIdentifier: 'key-2' })).toBe('unknown-key');
    expect(await verifyScannerRequest(source, `${BODY}\n`, headers)).toBe('bad-signature');
    expect(await verifyScannerRequest(source, BODY, headers)).toBe('valid');
  });
});

describe('the scanner key source', () => {
  it('fetches the document once and serves it from the cache until its time to live ends', async () => {
    const scanner = createTestScanner('key-1');
    let now = 0;
    const fetches: string[] = [];
    const source = createScannerKeySource({
      url: 'https://scanner.example/keys',
      ttlMs: 1000,
      now: () => now,
      fetchDocument: async (url) => {
        fetches.push(url);
        return scanner.document;
      },
    });
    expect(await source.keyFor('key-1')).toBeDefined();
    now = 999;
    expect(await source.keyFor('key-1')).toBeDefined();
    expect(fetches).toEqual(['https://scanner.example/keys']);
    now = 1000;
    await source.keyFor('key-1');
    expect(fetches).toHaveLength(2);
  });

  it('refetches for an identifier it does not know (a rotated key) at most once per interval', async () => {
    const first = createTestScanner('old');
    const second = createTestScanner('new');
    let now = 0;
    let document = first.document;
    let fetches = 0;
    const source = createScannerKeySource({
      url: 'https://scanner.example/keys',
      minRefetchMs: 100,
      now: () => now,
      fetchDocument: async () => {
        fetches++;
        return document;
      },
    });
    await source.keyFor('old');
    document = { public_keys: [...first.document.public_keys, ...second.document.public_keys] };
    // Within the interval an unknown identifier is answered from the cache: no fetch per made-up id.
    for (let i = 0; i < 10; i++) expect(await source.keyFor(`made-up-${i}`)).toBeUndefined();
    expect(fetches).toBe(1);
    now = 100;
    expect(await source.keyFor('new')).toBeDefined();
    expect(fetches).toBe(2);
  });

  it('concurrent first requests share one fetch, and a failed fetch is retried by the next request', async () => {
    const scanner = createTestScanner('key-1');
    let fail = true;
    let fetches = 0;
    const source = createScannerKeySource({
      url: 'https://scanner.example/keys',
      fetchDocument: async () => {
        fetches++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (fail) throw new Error('down');
        return scanner.document;
      },
    });
    await expect(Promise.all([source.keyFor('key-1'), source.keyFor('key-1')])).rejects.toThrow('down');
    expect(fetches).toBe(1);
    fail = false;
    expect(await source.keyFor('key-1')).toBeDefined();
    expect(fetches).toBe(2);
  });
});
