// The service's version, from package.json (found upwards from this module, so that it works
// from src/ under tsx and from dist/server/ when built).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

const file = findPackageJson();
export const version: string = file
  ? ((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0')
  : '0.0.0';
