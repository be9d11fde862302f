// The OpenTelemetry SDK: started by the preload (platform/tracing.ts), stopped by server.ts.
// Importing this module starts nothing. It is off, and loads nothing but this file, unless
// OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set; every other setting comes from the
// standard OTEL_* variables, read by the SDK itself (protocol, headers, sampler, resource
// attributes). It runs before config.ts exists, which is why it reads them here.
// https://opentelemetry.io/docs/languages/sdk-configuration/
import type { IncomingMessage } from 'node:http';
import { version } from '../../version.js';

export const DEFAULT_SERVICE_NAME = 'cloudedu-taskmanager';

// Probes and scrapes arrive every few seconds on every pod; traces of them are noise.
const UNTRACED_PATHS = new Set(['/livez', '/readyz', '/metrics']);

interface Sdk {
  shutdown(): Promise<void>;
}
let sdk: Sdk | undefined;

/** Whether the environment asks for tracing: an OTLP endpoint set and the SDK not disabled. */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim(),
  );
}

/**
 * Starts the SDK when the environment asks for it. Idempotent. The SDK and the instrumentations are
 * imported here, dynamically, so a process without an endpoint never loads them.
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (sdk) return true;
  if (!tracingRequested(env)) return false;
  // Traces only: metrics are Prometheus' (prom-client), logs go to stdout for the node's agent.
  // The SDK would otherwise default both to OTLP as well. Set explicitly, they still win.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const [sdkNode, resources, httpInst, mysqlInst, fastifyOtel] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-mysql2'),
    import('@fastify/otel'),
  ]);
  const instance = new sdkNode.NodeSDK({
    // OTEL_SERVICE_NAME, when set, wins through the SDK's environment detector.
    serviceName: env.OTEL_SERVICE_NAME?.trim() ? undefined : DEFAULT_SERVICE_NAME,
    resource: resources.resourceFromAttributes({ 'service.version': version }),
    instrumentations: [
      new httpInst.HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) =>
          UNTRACED_PATHS.has((request.url ?? '/').split('?')[0] ?? '/'),
      }),
      // Fastify's own instrumentation, attached to every instance through its diagnostics channel.
      new fastifyOtel.FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => UNTRACED_PATHS.has(route.url),
      }),
      new mysqlInst.MySQL2Instrumentation(),
    ],
  });
  instance.start();
  sdk = instance;
  // Last resort for a process that ends without calling shutdownTracing(): flush what is batched.
  process.once('beforeExit', () => void shutdownTracing());
  return true;
}

/** Flushes batched spans and stops the SDK; server.ts awaits it after the app has closed. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  if (!running) return;
  try {
    await running.shutdown();
  } catch (error) {
    // The collector being away must not turn a clean shutdown into a failure.
    process.stderr.write(`tracing: shutdown failed: ${String(error)}\n`);
  }
}
