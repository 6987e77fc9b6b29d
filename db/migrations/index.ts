// Every migration, in order. Add a new file `NNNN-name.ts` and list it here; never edit a released one.
import type { Migration } from './migration.js';
import { initial } from './0001-initial.js';
import { activeLearning } from './0002-active-learning.js';
import { reopenSuggestions } from './0003-reopen-suggestions.js';
import { stagedImports } from './0004-staged-imports.js';
import { fineTuneOwner } from './0005-fine-tune-owner.js';
import { documentSummaries } from './0006-document-summaries.js';
import { labelMappings } from './0007-label-mappings.js';
import { teamUsers } from './0008-team-users.js';
import { labelNames } from './0009-label-names.js';
import { annotationLines } from './0010-annotation-lines.js';

export type { Migration } from './migration.js';

export const migrations: readonly Migration[] = [
  initial,
  activeLearning,
  reopenSuggestions,
  stagedImports,
  fineTuneOwner,
  documentSummaries,
  labelMappings,
  teamUsers,
  labelNames,
  annotationLines,
];
