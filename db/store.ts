// All repositories over one connection. Services take a Store; SQL lives only under db/.
import type { Db } from './open-database.js';
import { AssignmentRepository } from './repositories/assignments.js';
import { CurationRepository } from './repositories/curation.js';
import { DocumentRepository } from './repositories/documents.js';
import { EventRepository } from './repositories/events.js';
import { FineTuneRepository } from './repositories/fine-tunes.js';
import { ImportRepository } from './repositories/imports.js';
import { LabelRepository } from './repositories/labels.js';
import { LabelMappingRepository } from './repositories/label-mappings.js';
import { LineRepository } from './repositories/lines.js';
import { ModelRepository } from './repositories/models.js';
import { ProjectRepository } from './repositories/projects.js';
import { RevisionRepository } from './repositories/revisions.js';
import { StatsRepository } from './repositories/stats.js';
import { SuggestionRepository } from './repositories/suggestions.js';
import { UserRepository } from './repositories/users.js';

export class Store {
  readonly projects: ProjectRepository;
  readonly labels: LabelRepository;
  readonly labelMappings: LabelMappingRepository;
  readonly documents: DocumentRepository;
  readonly revisions: RevisionRepository;
  /** Team mode's per-annotator lines and gold marks (migration 0010). */
  readonly lines: LineRepository;
  readonly suggestions: SuggestionRepository;
  readonly events: EventRepository;
  readonly models: ModelRepository;
  readonly stats: StatsRepository;
  readonly fineTunes: FineTuneRepository;
  readonly imports: ImportRepository;
  readonly users: UserRepository;
  /** Which annotator annotates which document (team mode, migration 0010). */
  readonly assignments: AssignmentRepository;
  /** What the gold standard and a dataset card read: gold marks, annotators' latest lines, suggestion sources. */
  readonly curation: CurationRepository;

  constructor(readonly db: Db) {
    this.projects = new ProjectRepository(db);
    this.labels = new LabelRepository(db);
    this.labelMappings = new LabelMappingRepository(db);
    this.documents = new DocumentRepository(db);
    this.revisions = new RevisionRepository(db);
    this.lines = new LineRepository(db);
    this.suggestions = new SuggestionRepository(db);
    this.events = new EventRepository(db);
    this.models = new ModelRepository(db);
    this.stats = new StatsRepository(db);
    this.fineTunes = new FineTuneRepository(db);
    this.imports = new ImportRepository(db);
    this.users = new UserRepository(db);
    this.assignments = new AssignmentRepository(db);
    this.curation = new CurationRepository(db);
  }

  /**
   * Runs `fn` in one synchronous transaction (better-sqlite3 rolls back when it throws). `durable: false` skips the
   * sync at its commit, for intermediate steps of long work that nobody has been told are done (an import's staging
   * and publishing slices): a power cut may take them back, leaving the database as it was a little earlier, and the
   * work's final, durable commit syncs them with it (the WAL is written in order). Every other write stays synced:
   * the setting is back to FULL before any other caller can run.
   */
  transaction<T>(fn: () => T, options: { durable?: boolean } = {}): T {
    // Inside another transaction SQLite refuses to change the setting; the outer commit decides.
    if (options.durable !== false || this.db.inTransaction) return this.db.transaction(fn)();
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.db.transaction(fn)();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  close(): void {
    this.db.close();
  }
}
