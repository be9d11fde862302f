// The board: the project's columns, each with its cards in kanban order. Cards move by mouse,
// touch or keyboard (@dnd-kit); a move shows at once and is rolled back, with a message, if the
// service refuses it. This file loads the columns and their tasks; Board and its parts are in
// this folder.
import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from '../../components/States';
import { boardData } from '../../lib/boardData';
import { useProject } from '../../lib/project';
import { useAsync } from '../../lib/useAsync';
import { Board } from './Board';

export default function BoardPage() {
  const { t } = useTranslation();
  const { project } = useProject();
  const state = useAsync(() => boardData(project.id), [project.id]);

  if (state.error !== undefined) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label={t('board.loading')} />;
  return <Board key={project.id} initial={state.data} />;
}
