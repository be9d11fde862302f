// Heartbeats keep an idle event stream open through a proxy with an idle timeout (issue 13): the
// service writes a comment line every LIVE_HEARTBEAT_SECONDS; a proxy that cuts connections idle
// for 2.5 s keeps a stream with 1 s heartbeats, and cuts one with the default 15 s (which shows
// that the proxy's timeout is real). A real service process behind a real HTTP proxy.
import { afterEach, describe, expect, it } from 'vitest';
import { ForwardingProxy } from '../../support/forwarding-proxy.js';
import { ApiClient } from '../../support/http.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';
import { openStream } from '../../support/sse.js';
import type { SseStream } from '../../support/sse.js';

const API = '/api/v1';
const IDLE_TIMEOUT_MS = 2_500;

describe('event stream heartbeats through a proxy', () => {
  let service: Service | undefined;
  let proxy: ForwardingProxy | undefined;
  let stream: SseStream | undefined;

  afterEach(async () => {
    stream?.close();
    await proxy?.stop();
    await service?.stop();
  });

  async function idleStream(env: Record<string, string>) {
    service = await startService({ env: { LOG_LEVEL: 'warn', ...env } });
    proxy = new ForwardingProxy([service.url], { idleTimeoutMs: IDLE_TIMEOUT_MS });
    const base = await proxy.start();
    const client = new ApiClient(base);
    await client.register(`beat.${Date.now().toString(36)}@example.com`, 'correct horse battery');
    const project = await client.ok('POST', `${API}/projects`, { name: 'Heartbeats' });
    const projectId = project.body.id as string;
    stream = await openStream(`${base}${API}/projects/${projectId}/events`, {
      cookie: client.cookie!,
    });
    expect(stream.status).toBe(200);
    await stream.waitFor((e) => e.event === 'ready');
    let ended = false;
    void stream.ended.then(() => (ended = true));
    // Nothing happens in the project for twice the proxy's idle timeout.
    await new Promise((resolve) => setTimeout(resolve, 2 * IDLE_TIMEOUT_MS));
    return { client, projectId, ended: () => ended };
  }

  it('a stream with heartbeats below the idle timeout stays open, and still carries events', async () => {
    const { client, projectId, ended } = await idleStream({ LIVE_HEARTBEAT_SECONDS: '1' });
    expect(ended()).toBe(false);
    expect(stream!.heartbeats).toBeGreaterThanOrEqual(3);
    const task = await client.ok('POST', `${API}/projects/${projectId}/tasks`, { title: 'Beat' });
    const event = await stream!.waitFor((e) => e.event === 'message');
    expect(JSON.parse(event.data)).toMatchObject({ taskId: task.body.id });
  });

  it('without heartbeats in time, the same proxy cuts the idle stream', async () => {
    const { ended } = await idleStream({});
    expect(ended()).toBe(true);
  });
});
