// The UI's typed client is generated from the service's OpenAPI document: this test regenerates
// web/src/api/schema.d.ts from the live document of the built service (with the same CLI a
// developer runs) and fails when the committed file is out of date.
// To update it: UPDATE_API_TYPES=1 npx vitest run tests/e2e/api-types.test.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/process.js';
import { run } from '../support/tools.js';
import { startBuiltService, type RunningService } from './support/service.js';

const schemaFile = path.join(repoRoot, 'web', 'src', 'api', 'schema.d.ts');

async function generate(openapi: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tm-openapi-'));
  try {
    const input = path.join(dir, 'openapi.json');
    const output = path.join(dir, 'schema.d.ts');
    writeFileSync(input, openapi);
    const cli = path.join(repoRoot, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    const result = run(process.execPath, [cli, input, '-o', output]);
    if (result.status !== 0) throw new Error(`openapi-typescript failed:\n${result.stderr}`);
    const options = (await prettier.resolveConfig(schemaFile)) ?? {};
    return prettier.format(readFileSync(output, 'utf8'), { ...options, filepath: schemaFile });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the UI API types', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startBuiltService();
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('match the service OpenAPI document', async () => {
    const response = await fetch(`${service.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const generated = await generate(await response.text());
    if (process.env.UPDATE_API_TYPES === '1') {
      writeFileSync(schemaFile, generated);
      console.log(`updated ${path.relative(repoRoot, schemaFile)}`);
    }
    const committed = readFileSync(schemaFile, 'utf8');
    expect(
      committed === generated,
      'web/src/api/schema.d.ts is out of date: UPDATE_API_TYPES=1 npx vitest run tests/e2e/api-types.test.ts',
    ).toBe(true);
  });
});
