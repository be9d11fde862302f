// Requests whose body is a file, through XMLHttpRequest: fetch reports no upload progress. Used by
// the attachments (the file itself) and the project imports (a JSON file the server reads as it
// arrives, so the share sent is the share read). Everything else goes through the typed client.
import { ApiError, currentCsrfToken } from './http';

export interface FileRequest {
  url: string;
  body: Blob;
  contentType: string;
  /** The status of success; any other is an ApiError from the error envelope. */
  expect: number;
  /** The share of the body sent so far (0–1). */
  onProgress: (sent: number) => void;
}

export function sendFile<T>({
  url,
  body,
  contentType,
  expect,
  onProgress,
}: FileRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    const csrf = currentCsrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.setRequestHeader('content-type', contentType);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === expect) {
        onProgress(1);
        resolve(xhr.response as T);
        return;
      }
      const envelope = (
        xhr.response as { error?: { code?: string; message?: string; details?: unknown } } | null
      )?.error;
      reject(
        new ApiError(
          xhr.status,
          envelope?.code ?? `HTTP_${xhr.status}`,
          envelope?.message ?? xhr.statusText,
          envelope?.details,
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The server could not be reached.'));
    xhr.send(body);
  });
}
