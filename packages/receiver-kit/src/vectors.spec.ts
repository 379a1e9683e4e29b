import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signatureHeaders } from '../../../libs/domain/src/signing';
import { verifyWebhook, type SignatureScheme } from './index';
import { WebhookVerificationError } from './webhook-errors';

// The generator is plain Node (it signs with node:crypto directly, independently of the kit's code).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildVectors, serialize, VECTORS_PATH } = require('../scripts/generate-vectors.js') as {
  buildVectors: () => VectorFile;
  serialize: (vectors: VectorFile) => string;
  VECTORS_PATH: string;
};

interface Vector {
  name: string;
  scheme: 'hmac-v1' | 'body-hmac' | 'token' | 'ed25519-v1a';
  key: string;
  headers: Record<string, string>;
  body: string;
  expected: string;
}

interface VectorFile {
  now: number;
  tolerance_seconds: number;
  token_header: string;
  vectors: Vector[];
}

/** Which of the kit's schemes a receiver of each kind accepts; a receiver knows which one its sender uses. */
const KIT_SCHEME: Record<Vector['scheme'], SignatureScheme> = {
  'hmac-v1': 'standard',
  'body-hmac': 'body-signature',
  token: 'token',
  'ed25519-v1a': 'standard',
};

const committed = JSON.parse(readFileSync(join(__dirname, '..', 'vectors.json'), 'utf8')) as VectorFile;

function outcome(file: VectorFile, vector: Vector): string {
  try {
    verifyWebhook(vector.body, vector.headers, vector.key, {
      now: () => file.now * 1000,
      toleranceSeconds: file.tolerance_seconds,
      tokenHeader: file.token_header,
      schemes: [KIT_SCHEME[vector.scheme]],
    });
    return 'valid';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
}

describe('shared test vectors (vectors.json)', () => {
  it('are what scripts/generate-vectors.js makes (run it after changing it)', () => {
    expect(readFileSync(VECTORS_PATH, 'utf8')).toBe(serialize(buildVectors()));
  });

  it('cover every scheme with valid, tampered, wrong-key and several-signature cases, and timestamps where there are any', () => {
    const names = (scheme: Vector['scheme']) =>
      committed.vectors.filter((vector) => vector.scheme === scheme).map((vector) => `${vector.name} → ${vector.expected}`);
    for (const scheme of ['hmac-v1', 'body-hmac', 'token', 'ed25519-v1a'] as const) {
      expect(names(scheme)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^valid/), expect.stringMatching(/^tampered body/), expect.stringMatching(/^wrong/)]),
      );
    }
    for (const scheme of ['hmac-v1', 'ed25519-v1a'] as const) {
      expect(names(scheme)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^expired timestamp.*timestamp_out_of_tolerance$/),
          expect.stringMatching(/^multiple signatures, one valid.*valid$/),
        ]),
      );
    }
  });

  it('sign HMACs as the worker does (libs/domain signing)', () => {
    const valid = (scheme: Vector['scheme'], name = 'valid') => committed.vectors.find((vector) => vector.scheme === scheme && vector.name === name) as Vector;
    const worker = (vector: Vector) =>
      signatureHeaders({ scheme: 'hmac', secret: vector.key }, vector.headers['webhook-id'], Number(vector.headers['webhook-timestamp']), vector.body);
    for (const vector of [valid('hmac-v1'), valid('hmac-v1', 'valid, secret without the whsec_ prefix (its UTF-8 bytes are the key)'), valid('token')]) {
      expect(worker(vector)['webhook-signature']).toBe(vector.headers['webhook-signature']);
    }
    const bodyHmac = valid('body-hmac');
    expect(signatureHeaders({ scheme: 'hmac', secret: bodyHmac.key }, 'any', 0, bodyHmac.body)['X-Webhook-Signature']).toBe(
      bodyHmac.headers['x-webhook-signature'],
    );
    expect(worker(valid('token'))['X-Webhook-Signature']).toBe(valid('token').headers['x-webhook-signature']);
  });

  it.each(committed.vectors.map((vector) => [`${vector.scheme}: ${vector.name}`, vector] as const))('%s', (_title, vector) => {
    expect(outcome(committed, vector)).toBe(vector.expected);
  });
});
