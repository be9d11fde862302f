// The doctor rules in the order they run: the most fundamental first, so that a later, vaguer rule
// (a pod not ready, a failing probe) leaves alone what an earlier one explained.
import type { Rule } from '../finding.js';
import { hpaRule } from './hpa.js';
import { imagePullRule } from './image-pull.js';
import { missingSecretRule } from './missing-secret.js';
import { mysqlCrashRule } from './mysql-crash.js';
import { mysqlNoPodRule } from './mysql-no-pod.js';
import { namespaceRule } from './namespace.js';
import { notReadyRule } from './not-ready.js';
import { podSecurityRule } from './pod-security.js';
import { pvcPendingRule } from './pvc-pending.js';
import { readinessRule } from './readiness.js';
import { terminatingRule } from './terminating.js';

export const RULES: readonly Rule[] = [
  namespaceRule,
  pvcPendingRule,
  podSecurityRule,
  missingSecretRule,
  imagePullRule,
  mysqlCrashRule,
  mysqlNoPodRule,
  readinessRule,
  hpaRule,
  notReadyRule,
  terminatingRule,
];
