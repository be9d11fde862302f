// A project's calendar (/projects/:id/calendar): its active tasks on their due days; editors move
// them to another day, viewers look. Changes by others (the project's live events) are read again.
import { useCallback, useMemo } from 'react';
import { tasks as tasksApi } from '../../api/endpoints';
import { useProject } from '../../lib/project';
import { navigate } from '../../lib/router';
import { useScreenAction } from '../../lib/screenActions';
import { useShortcut } from '../../lib/shortcuts';
import CalendarView, { type CalendarSource } from './CalendarView';

export default function CalendarPage() {
  const { project, canEdit, subscribeLive } = useProject();
  // `n` (and the palette's "New task") opens the board's quick-add, as on the list.
  const newTask = () => navigate(`/projects/${encodeURIComponent(project.id)}?new=1`);
  useShortcut('n', newTask, canEdit);
  useScreenAction('newTask', newTask, canEdit);

  const source = useMemo<CalendarSource>(
    () => ({
      page: (range, cursor) =>
        tasksApi.list(project.id, { ...range, sort: 'dueAt', limit: 200, cursor }),
      canMove: () => canEdit,
    }),
    [project.id, canEdit],
  );
  const subscribe = useCallback(
    (onChange: () => void) =>
      subscribeLive((event) => {
        // A comment changes no due date.
        if (event.type.startsWith('task.') || event.type === 'reset') onChange();
      }),
    [subscribeLive],
  );
  return <CalendarView source={source} subscribe={subscribe} />;
}
