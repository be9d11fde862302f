// What every screen inside a project needs: the project, its members (for assignees and avatars),
// its labels, and what the current user may do there.
import { createContext, useContext } from 'react';
import type { Label, Member, Project, Role } from '../api/types';

export interface ProjectContextValue {
  project: Project;
  members: Member[];
  labels: Label[];
  role: Role;
  canEdit: boolean;
  isOwner: boolean;
  memberName: (userId: string | null | undefined) => string | undefined;
  setProject: (project: Project) => void;
  setMembers: (members: Member[]) => void;
  setLabels: (labels: Label[]) => void;
}

export const ProjectContext = createContext<ProjectContextValue | undefined>(undefined);

export function useProject(): ProjectContextValue {
  const value = useContext(ProjectContext);
  if (!value) throw new Error('useProject outside ProjectShell');
  return value;
}
