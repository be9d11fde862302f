// Loads data for a screen and keeps the loading / error / data states the UI shows. Data of the
// same inputs stays on screen while it reloads; other inputs start from a clean slate.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (update: T | ((previous: T | undefined) => T)) => void;
}

interface Result<T> {
  key: string;
  generation: number;
  data?: T;
  error?: unknown;
  failed: boolean;
}

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const key = JSON.stringify(deps);
  const [generation, setGeneration] = useState(0);
  const [result, setResult] = useState<Result<T>>({ key: '', generation: -1, failed: false });
  const loadRef = useRef(load);

  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    let cancelled = false;
    loadRef.current().then(
      (data) => {
        if (!cancelled) setResult({ key, generation, data, failed: false });
      },
      (error: unknown) => {
        if (!cancelled) setResult((r) => ({ ...r, key, generation, error, failed: true }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((update: T | ((previous: T | undefined) => T)) => {
    setResult((r) => ({
      ...r,
      data: typeof update === 'function' ? (update as (p: T | undefined) => T)(r.data) : update,
    }));
  }, []);

  const sameInputs = result.key === key;
  const current = sameInputs && result.generation === generation;
  return {
    data: sameInputs ? result.data : undefined,
    error: current && result.failed ? result.error : undefined,
    loading: !current,
    reload,
    setData,
  };
}
