// A task on its own URL: every field, labels, comments and activity. Saves send If-Match; a 412
// (someone else saved first) shows their version next to the user's and lets them reapply theirs.
// This file loads the task; TaskEditor and the sections beside it are in this folder.
import { useTranslation } from 'react-i18next';
import { columns as columnsApi, tasks as tasksApi } from '../../api/endpoints';
import { ErrorState, Loading } from '../../components/States';
import { useProject } from '../../lib/project';
import { useAsync } from '../../lib/useAsync';
import { TaskEditor } from './TaskEditor';

export default function TaskPage({ taskId }: { taskId: string }) {
  const { t } = useTranslation();
  const { project } = useProject();
  // The task and its project's columns (Status offers them), read together.
  const state = useAsync(
    () => Promise.all([tasksApi.get(taskId), columnsApi.list(project.id)]),
    [taskId, project.id],
  );
  if (state.error !== undefined) {
    return (
      <>
        <h1 className="visually-hidden">{t('task.loadFailed')}</h1>
        <ErrorState error={state.error} onRetry={state.reload} />
      </>
    );
  }
  if (!state.data) return <Loading />;
  const [task, columns] = state.data;
  return <TaskEditor initial={task} columns={columns} />;
}
