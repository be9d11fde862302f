// The UI's typed client is generated from the service's OpenAPI document: this test regenerates
// web/src/api/schema.d.ts from the live document of the built service (with the same code as
// `npm run gen:api-types`) and fails when the committed file is out of date.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiTypes, schemaFile } from '../../scripts/gen-api-types.js';
import { startService, type Service } from '../support/service.js';

describe('the UI API types', () => {
  let service: Service;

  beforeAll(async () => {
    service = await startService({ from: 'built' });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('match the service OpenAPI document', async () => {
    const response = await fetch(`${service.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const generated = await generateApiTypes(await response.text());
    const committed = readFileSync(schemaFile, 'utf8');
    expect(
      committed === generated,
      'web/src/api/schema.d.ts is out of date: npm run gen:api-types',
    ).toBe(true);
  });
});
