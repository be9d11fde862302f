#!/usr/bin/env node
// `npx taskmanager` in a checkout: the command is compiled to dist/ by `npm run build`; say so
// instead of failing with a module-not-found trace when it has not been built yet.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/server/cli/index.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(
    'taskmanager: not built yet (dist/server/cli/index.js is missing): run `npm run build` first',
  );
  process.exit(1);
}
await import(cli.href);
