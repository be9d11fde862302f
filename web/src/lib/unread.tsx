// The unread count of the inbox for the header's bell: asked again whenever the inbox stream
// (/api/v1/me/events, server-sent events) says a notification came or was read, on any tab or
// device; also when the window regains focus, at once when this page marks notifications read
// (notifyInboxChanged), and every 5 minutes in case the stream is down.
import { useCallback, useEffect, useState } from 'react';
import { notifications } from '../api/endpoints';

const CHANGED = 'taskmanager:inbox-changed';
const ARRIVED = 'taskmanager:notification-arrived';
const POLL_MS = 300_000;

/** Tells the bell to count again (after marking read here). */
export const notifyInboxChanged = () => window.dispatchEvent(new Event(CHANGED));

/** Calls `listener` when a new notification arrives (the inbox page lists it at once). */
export function useNotificationArrived(listener: () => void): void {
  useEffect(() => {
    window.addEventListener(ARRIVED, listener);
    return () => window.removeEventListener(ARRIVED, listener);
  }, [listener]);
}

export function useUnreadCount(): number | undefined {
  const [count, setCount] = useState<number | undefined>(undefined);
  const refresh = useCallback(() => {
    notifications.unreadCount().then(setCount, () => undefined);
  }, []);
  useEffect(() => {
    refresh();
    const timer = window.setInterval(refresh, POLL_MS);
    window.addEventListener('focus', refresh);
    window.addEventListener(CHANGED, refresh);
    // EventSource reconnects by itself (with Last-Event-ID); a fresh stream counts again.
    const source =
      typeof EventSource === 'undefined' ? undefined : new EventSource('/api/v1/me/events');
    source?.addEventListener('ready', refresh);
    source?.addEventListener('reset', refresh);
    if (source)
      source.onmessage = (message: MessageEvent<string>) => {
        refresh();
        const { type } = JSON.parse(message.data) as { type: string };
        if (type === 'notification.created') window.dispatchEvent(new Event(ARRIVED));
      };
    return () => {
      source?.close();
      window.clearInterval(timer);
      window.removeEventListener('focus', refresh);
      window.removeEventListener(CHANGED, refresh);
    };
  }, [refresh]);
  return count;
}
