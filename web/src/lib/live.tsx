// Live updates of the open project (issue 13): one EventSource per project screen on the API's
// server-sent events stream (same-origin, so the session cookie goes with it). Screens subscribe
// and re-read what an event names; after a `reset` (or a reconnection that could not resume)
// they re-read everything. EventSource resumes with Last-Event-ID by itself.
import { useEffect, useRef, useState } from 'react';
import { useProject, type LiveEvent, type LiveListener } from './project';
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'ended';

/** After the browser gave up (a refused or failed request), a fresh stream is tried this often. */
const RETRY_MS = 5_000;

export interface LiveStream {
  status: LiveStatus;
  subscribe: (listener: LiveListener) => () => void;
}

export function useLiveStream(projectId: string): LiveStream {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const listeners = useRef(new Set<LiveListener>());
  const [subscribe] = useState(() => (listener: LiveListener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  });

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let resumed = false;
    const emit = (event: LiveEvent) => listeners.current.forEach((l) => l(event));
    const connect = () => {
      source = new EventSource(`/api/v1/projects/${encodeURIComponent(projectId)}/events`);
      source.addEventListener('ready', () => {
        setStatus('live');
        // A fresh stream does not know what was missed while none was open: re-read.
        if (resumed) emit({ type: 'reset' });
        resumed = false;
      });
      source.addEventListener('reset', () => emit({ type: 'reset' }));
      source.addEventListener('end', (message) => {
        const { reason } = JSON.parse((message as MessageEvent<string>).data) as {
          reason: string;
        };
        if (reason === 'membership') {
          source?.close();
          setStatus('ended');
        }
      });
      source.onmessage = (message: MessageEvent<string>) => {
        const event = JSON.parse(message.data) as LiveEvent;
        // Many tasks at once (a CSV import, a column archived) name none of them: every view
        // reads its data again.
        emit(event.type.startsWith('tasks.') ? { type: 'reset' } : event);
      };
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) {
          setStatus((s) => (s === 'ended' ? s : 'reconnecting'));
          retry = setTimeout(() => {
            resumed = true;
            connect();
          }, RETRY_MS);
        } else {
          setStatus('reconnecting');
        }
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [projectId]);

  return { status, subscribe };
}

/** Calls `listener` with every live event of the current project while mounted. */
export function useLiveEvents(listener: LiveListener): void {
  const { subscribeLive } = useProject();
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  });
  useEffect(() => subscribeLive((event) => ref.current(event)), [subscribeLive]);
}

/** Marks the elements of changed tasks under `root` for a moment (the CSS shows it). */
export function flashTasks(root: HTMLElement | null, taskIds: Iterable<string>): void {
  for (const id of taskIds) {
    const element = root?.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"]`);
    if (!element) continue;
    element.setAttribute('data-live-changed', 'true');
    setTimeout(() => element.removeAttribute('data-live-changed'), 2_000);
  }
}

export const isTaskEvent = (event: LiveEvent) => /^(task|comment)\./.test(event.type);
