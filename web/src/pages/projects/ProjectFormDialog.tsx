// The dialog that creates a project or renames one (`initial`); the form is mounted only while
// open, so each opening starts from `initial`.
import type { Project } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ProjectForm } from './ProjectForm';

export function ProjectFormDialog({
  open,
  title,
  submitLabel,
  initial,
  onClose,
  onSubmit,
}: {
  open: boolean;
  title: string;
  submitLabel: string;
  initial?: Project;
  onClose: () => void;
  onSubmit: (name: string, description: string) => Promise<void>;
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      {open && (
        <ProjectForm
          key={initial?.id ?? 'new'}
          initial={initial}
          submitLabel={submitLabel}
          onClose={onClose}
          onSubmit={onSubmit}
        />
      )}
    </Dialog>
  );
}
