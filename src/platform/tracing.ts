// The tracing preload, and the only place tracing starts. Every way of running the service loads it
// before the app, so the SDK hooks `require` before Fastify, node:http and mysql2 are loaded:
//   node --import ./dist/server/platform/tracing.js dist/server/main.js   (image, npm start)
//   taskmanager serve                  (the CLI imports this module first, then the server)
// Without an OTLP endpoint in the environment it loads nothing more (see tracing/sdk.ts).
import { startTracing } from './tracing/sdk.js';

await startTracing();
