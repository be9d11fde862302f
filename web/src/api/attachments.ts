// Files on a task (issue 14). The upload sends the file itself as the body, through
// XMLHttpRequest: fetch reports no upload progress. Everything else goes through the typed client.
import { ApiError, call, client, currentCsrfToken } from './http';
import type { components } from './schema';

export type Attachment = components['schemas']['Attachment'];

export const attachments = {
  list: async (taskId: string) =>
    (await call(client.GET('/api/v1/tasks/{taskId}/attachments', { params: { path: { taskId } } })))
      .data.items,
  remove: async (attachmentId: string) => {
    await call(
      client.DELETE('/api/v1/attachments/{attachmentId}', {
        params: { path: { attachmentId } },
      }),
    );
  },
  setCover: async (taskId: string, attachmentId: string | null) =>
    (
      await call(
        client.PUT('/api/v1/tasks/{taskId}/cover', {
          params: { path: { taskId } },
          body: { attachmentId },
        }),
      )
    ).data,
};

/** Uploads a file to a task, telling `onProgress` the share sent (0–1); ApiError on refusal. */
export function uploadAttachment(
  taskId: string,
  file: File,
  onProgress: (sent: number) => void,
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(
      'POST',
      `/api/v1/tasks/${encodeURIComponent(taskId)}/attachments?name=${encodeURIComponent(file.name)}`,
    );
    const csrf = currentCsrfToken();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        onProgress(1);
        resolve(xhr.response as Attachment);
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
    xhr.send(file);
  });
}
