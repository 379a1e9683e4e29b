import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateOpenApiDocument, serializeOpenApiDocument } from '../apps/api/src/docs/openapi-file';

/** openapi.json is committed for clients that generate types from it; it must be the code's document. */
describe('openapi.json', () => {
  it('is the document the code describes (run `npm run build` and commit openapi.json when this fails)', async () => {
    const committed = readFileSync(path.join(__dirname, '..', 'openapi.json'), 'utf8');
    expect(committed).toBe(serializeOpenApiDocument(await generateOpenApiDocument()));
  });
});
