// What every screen inside a project needs: the project, its members (for assignees and avatars),
// its labels, and what the current user may do there.
import { createContext, useContext } from 'react';
import type { Label, Member, Project, Role } from '../api/types';
import type { components } from '../api/schema';

/** A live event of the project (lib/live.tsx), or `reset`: everything may have changed. */
export type LiveEvent = components['schemas']['LiveEvent'] | { type: 'reset' };
export type LiveListener = (event: LiveEvent) => void;

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
  /** Live events of the project (lib/live.tsx); returns the unsubscribe. */
  subscribeLive: (listener: LiveListener) => () => void;
}

export const ProjectContext = createContext<ProjectContextValue | undefined>(undefined);

export function useProject(): ProjectContextValue {
  const value = useContext(ProjectContext);
  if (!value) throw new Error('useProject outside ProjectShell');
  return value;
}
