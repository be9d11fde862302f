// Messages after an action: polite for success and warnings (done, but mind this), assertive
// (role=alert) for failures. They stay until dismissed or for a few seconds, and are read by
// screen readers.
//
// They must not hide what the user is working on. The stack sits at the bottom right (the width
// of a phone) and only the toasts themselves take the pointer; where that would cover a control a
// page keeps clear (marked [data-toast-avoid]: the board's column headers and quick-add) or the
// focused one, the stack moves to the top, under the sticky header, if that covers less.
import {
  createContext,
  useCallback,
  useContext,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface Toast {
  id: number;
  kind: 'success' | 'warning' | 'error';
  message: string;
}

interface ToastApi {
  success: (message: string) => void;
  /** Done, but over a limit the user set (a column's WIP limit). */
  warning: (message: string) => void;
  error: (message: string) => void;
}

/** The stack's distance from the viewport's bottom edge (`.toasts` in dialog.css). */
const EDGE = 16;
/** Below the sticky header, when at the top. */
const GAP = 8;

function overlap(
  box: { left: number; right: number; top: number; bottom: number },
  rect: DOMRect,
): number {
  const width = Math.min(box.right, rect.right) - Math.max(box.left, rect.left);
  const height = Math.min(box.bottom, rect.bottom) - Math.max(box.top, rect.top);
  return width > 0 && height > 0 ? width * height : 0;
}

/** The stack's top when moved up, or undefined to keep it at the bottom. */
function topPlacement(stack: HTMLElement): number | undefined {
  const { left, right } = stack.getBoundingClientRect();
  const height = stack.offsetHeight;
  if (height === 0) return undefined;
  const keepClear = [...document.querySelectorAll('[data-toast-avoid]')];
  const focused = document.activeElement;
  if (focused && focused !== document.body && !stack.contains(focused)) keepClear.push(focused);
  const rects = keepClear.map((element) => element.getBoundingClientRect());
  const covered = (top: number) =>
    rects.reduce((sum, rect) => sum + overlap({ left, right, top, bottom: top + height }, rect), 0);
  const atBottom = covered(document.documentElement.clientHeight - EDGE - height);
  if (atBottom === 0) return undefined;
  const header = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
  const top = Math.max(header, 0) + GAP;
  return covered(top) < atBottom ? top : undefined;
}

/** Places the stack (see the top of the file) while it shows toasts, and again as the page moves. */
function usePlacement(stackRef: React.RefObject<HTMLDivElement | null>, toasts: readonly Toast[]) {
  useLayoutEffect(() => {
    const stack = stackRef.current;
    if (!stack || toasts.length === 0) return;
    let frame = 0;
    const place = () => {
      frame = 0;
      const top = topPlacement(stack);
      stack.toggleAttribute('data-top', top !== undefined);
      stack.style.top = top === undefined ? '' : `${top}px`;
    };
    const later = () => {
      frame ||= requestAnimationFrame(place);
    };
    place();
    window.addEventListener('scroll', later, { capture: true, passive: true });
    window.addEventListener('resize', later);
    document.addEventListener('focusin', later);
    const resized = new ResizeObserver(later);
    resized.observe(stack);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', later, { capture: true });
      window.removeEventListener('resize', later);
      document.removeEventListener('focusin', later);
      resized.disconnect();
    };
  }, [stackRef, toasts]);
}

const TIMEOUT: Record<Toast['kind'], number> = { success: 4_000, warning: 7_000, error: 10_000 };

const ToastContext = createContext<ToastApi | undefined>(undefined);

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  const { t } = useTranslation();
  return (
    <div className={`toast toast-${toast.kind}`}>
      <span>{toast.message}</span>
      <button
        type="button"
        className="icon-button"
        aria-label={t('common.dismiss')}
        onClick={() => onDismiss(toast.id)}
      >
        ×
      </button>
    </div>
  );
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const stackRef = useRef<HTMLDivElement>(null);
  usePlacement(stackRef, toasts);

  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((toast) => toast.id !== id));
  }, []);

  const push = useCallback(
    (kind: Toast['kind'], message: string) => {
      const id = nextId.current++;
      // A success or warning replaces the one before (news, not a log); failures stack, up to
      // three.
      setToasts((list) => {
        const errors = list.filter((toast) => toast.kind === 'error');
        const news = list.filter((toast) => toast.kind !== 'error');
        const toast = { id, kind, message };
        return kind === 'error' ? [...errors.slice(-2), toast, ...news] : [...errors, toast];
      });
      window.setTimeout(() => dismiss(id), TIMEOUT[kind]);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      success: (message) => push('success', message),
      warning: (message) => push('warning', message),
      error: (message) => push('error', message),
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" ref={stackRef}>
        <div className="toast-list" role="alert">
          {toasts
            .filter((toast) => toast.kind === 'error')
            .map((toast) => (
              <ToastItem key={toast.id} toast={toast} onDismiss={dismiss} />
            ))}
        </div>
        <div className="toast-list" role="status" aria-live="polite">
          {toasts
            .filter((toast) => toast.kind !== 'error')
            .map((toast) => (
              <ToastItem key={toast.id} toast={toast} onDismiss={dismiss} />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToast outside ToastProvider');
  return value;
}
