// The unread count of the inbox for the header's bell: asked for every 30 s, when the window
// regains focus, and at once when this page marks notifications read (notifyInboxChanged).
import { useCallback, useEffect, useState } from 'react';
import { notifications } from '../api/endpoints';

const CHANGED = 'taskmanager:inbox-changed';
const POLL_MS = 30_000;

/** Tells the bell to count again (after marking read here). */
export const notifyInboxChanged = () => window.dispatchEvent(new Event(CHANGED));

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
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', refresh);
      window.removeEventListener(CHANGED, refresh);
    };
  }, [refresh]);
  return count;
}
