// Files on a task (issue 14). The upload sends the file itself as the body, with its progress
// (upload.ts). Everything else goes through the typed client.
import { call, client } from './http';
import type { components } from './schema';
import { sendFile } from './upload';

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
export const uploadAttachment = (
  taskId: string,
  file: File,
  onProgress: (sent: number) => void,
): Promise<Attachment> =>
  sendFile<Attachment>({
    url: `/api/v1/tasks/${encodeURIComponent(taskId)}/attachments?name=${encodeURIComponent(file.name)}`,
    body: file,
    contentType: 'application/octet-stream',
    expect: 201,
    onProgress,
  });
