// Regenerates the UI's typed client (web/src/api/schema.d.ts) from the service's OpenAPI document:
//   npm run gen:api-types                      # the document of the app built from src/
//   npm run gen:api-types -- http://host:8080  # the document a running service serves
// tests/e2e/api-types.test.ts fails while the committed file differs from what this generates.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as prettier from 'prettier';

const repoRoot = path.resolve(import.meta.dirname, '..');
export const schemaFile = path.join(repoRoot, 'web', 'src', 'api', 'schema.d.ts');

/** schema.d.ts for an OpenAPI document, formatted as the repository formats it. */
export async function generateApiTypes(openapi: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tm-openapi-'));
  try {
    const input = path.join(dir, 'openapi.json');
    const output = path.join(dir, 'schema.d.ts');
    writeFileSync(input, openapi);
    const cli = path.join(repoRoot, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    const result = spawnSync(process.execPath, [cli, input, '-o', output], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openapi-typescript failed:\n${result.stderr}`);
    const options = (await prettier.resolveConfig(schemaFile)) ?? {};
    return prettier.format(readFileSync(output, 'utf8'), { ...options, filepath: schemaFile });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The OpenAPI document of the app built from source, on a throw-away SQLite file. */
async function documentFromSource(): Promise<string> {
  const { buildApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/config.js');
  const { openDatabase } = await import('../src/db/database.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'tm-openapi-app-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'openapi.db')}`,
    LOG_LEVEL: 'silent',
    WEB_ROOT: '/nonexistent',
  });
  const database = openDatabase(config.database);
  const app = await buildApp({ config, database });
  try {
    const reply = await app.inject({ url: '/api/v1/openapi.json' });
    if (reply.statusCode !== 200) throw new Error(`openapi.json answered ${reply.statusCode}`);
    return reply.body;
  } finally {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function documentFrom(baseUrl: string): Promise<string> {
  const response = await fetch(new URL('/api/v1/openapi.json', baseUrl));
  if (response.status !== 200) throw new Error(`${response.url} answered ${response.status}`);
  return response.text();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseUrl = process.argv[2];
  const openapi = baseUrl ? await documentFrom(baseUrl) : await documentFromSource();
  const generated = await generateApiTypes(openapi);
  const current = readFileSync(schemaFile, 'utf8');
  const name = path.relative(repoRoot, schemaFile);
  if (current === generated) console.log(`${name} is up to date`);
  else {
    writeFileSync(schemaFile, generated);
    console.log(`updated ${name}`);
  }
}
