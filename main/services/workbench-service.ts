// The services behind the UI, as one object implementing the contract. Hosts (Electron IPC, the browser host) only
// validate and forward; everything a method does happens here, the same for both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { codecs, codecFor, guessFormat } from '../../core/codecs/registry.js';
import { ContractError } from '../../core/contract/errors.js';
import type { Params, Results, WorkbenchApi } from '../../core/contract/methods.js';
import type { CallContext } from '../../core/contract/roles.js';
import type { AppInfo } from '../../core/contract/types.js';
import { formatIssue, InputError } from '../../core/issues.js';
import type { Store } from '../../db/store.js';
import { AnnotationLines } from './annotation-lines.js';
import { AgreementService } from './agreement-service.js';
import { CurationService } from './curation-service.js';
import { AnnotationService } from './annotation-service.js';
import { AnnotatorDocuments } from './annotator-documents.js';
import { AssignmentService } from './assignment-service.js';
import { traceText } from './denoising-trace.js';
import { DocumentIndex } from './document-index.js';
import type { EnginePort } from './engine-port.js';
import { EventHub, type Audience } from './event-hub.js';
import { fileHead } from '../io/file-head.js';
import { exportProject } from './export-service.js';
import { recordedLicence, writeDataset } from './dataset-service.js';
import { exportBaseName } from '../io/export-destination.js';
import { listFolders } from './folder-browser.js';
import { importPath } from './import-service.js';
import { ProjectTrainService, type TrainerRunner } from './project-train-service.js';
import { KeepLearning } from './keep-learning.js';
import { FineTuneService, type TrainerDefaults } from './fine-tune-service.js';
import { JobService, type ChunkLimits } from './job-service.js';
import { LexiconService, type LexiconSettings } from './lexicon-service.js';
import { learningCurves } from './learning-curves.js';
import { nextDocuments } from './queue-service.js';
import { pendingSuggestions } from './pending-suggestions.js';
import { suggestionLabels } from './document-summary.js';
import { LabelService } from './label-service.js';
import { Uploads } from './uploads.js';

export interface WorkbenchOptions {
  store: Store;
  /** Where imports are kept and exports go by default. */
  dataDir: string;
  host: AppInfo['host'];
  engine: EnginePort;
  version: string;
  /**
   * Who edits when a call does not say (the single local user of the desktop app, the token-gated browser host and
   * the CLI): the revisions' author and the events' actor. A team host names the caller on every call instead.
   */
  actor?: string;
  /** How many documents a pre-annotation job hands the engine at once (job-service.ts's default otherwise). */
  chunk?: ChunkLimits;
  /** Trainer settings every fine-tune gets unless the request says otherwise (tests keep runs to a few steps). */
  fineTune?: TrainerDefaults;
  /** Lexicon suggestions (lexicon-service.ts): on unless `enabled: false`. */
  lexicon?: LexiconSettings;
  /** What runs project trainings (the Python trainer unless a test stands in for it). */
  trainer?: TrainerRunner;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

export class WorkbenchService implements WorkbenchApi {
  readonly events = new EventHub();
  readonly index: DocumentIndex;
  readonly jobs: JobService;
  readonly fineTunes: FineTuneService;
  readonly training: ProjectTrainService;
  readonly keepLearning: KeepLearning;
  readonly lexicon: LexiconService;
  /** Import bytes a host received before the import call (the browser host's large bodies). */
  readonly uploads: Uploads;
  private readonly annotations: AnnotationService;
  private readonly labels: LabelService;
  private readonly store: Store;
  private readonly localActor: string;

  constructor(private readonly options: WorkbenchOptions) {
    this.store = options.store;
    const actor = options.actor ?? 'annotator';
    this.localActor = actor;
    this.index = new DocumentIndex(this.store);
    this.uploads = new Uploads(join(options.dataDir, 'uploads'));
    this.uploads.sweep();
    this.annotations = new AnnotationService(this.store, actor);
    this.labels = new LabelService(this.store, actor);
    this.jobs = new JobService(this.store, options.engine, this.events, actor, options.chunk);
    this.fineTunes = new FineTuneService(this.store, options.engine, options.dataDir, actor, options.fineTune ?? {}, {
      emit: (event) => this.events.emit(event),
      reannotate: (projectId, path) => this.reannotate(projectId, path),
    });
    this.training = new ProjectTrainService(
      this.store,
      this.fineTunes,
      options.dataDir,
      actor,
      options.fineTune ?? {},
      {
        emit: (event) => this.events.emit(event),
        reannotate: (projectId, path) => this.reannotate(projectId, path),
      },
      options.trainer,
    );
    this.keepLearning = new KeepLearning(
      this.store,
      this.training,
      () => this.fineTunes.list().some((j) => j.state === 'running'),
      actor,
    );
    this.lexicon = new LexiconService(this.store, (event) => this.events.emit(event), actor, options.lexicon);
    // The lexicon follows what the methods report: a status change or an edit may change a finished document (and
    // so the lexicon, then other documents' suggestions); an import or a label change may change many, so the
    // project's lexicon is rebuilt and swept. Its own `suggestions` events are not fed back.
    this.events.on((event) => {
      if (event.type === 'document.changed' && event.reason !== 'suggestions')
        this.lexicon.documentChanged(event.documentId);
      else if (event.type === 'documents.imported' || event.type === 'labels.changed')
        this.lexicon.invalidate(event.projectId);
      // Keep-learning counts finished documents: a status change or an import (of finished documents) may add some.
      if (event.type === 'document.changed' && event.reason === 'status') {
        const at = this.store.documents.locate(event.documentId);
        if (at) this.keepLearning.schedule(at.projectId);
      } else if (event.type === 'documents.imported') this.keepLearning.schedule(event.projectId);
    });
  }

  /** Pre-annotates the project's unfinished documents with a package: how many (0 when there are none). */
  private reannotate(projectId: number, path: string): number {
    const ids = this.jobs.documentsFor(projectId, 'unfinished', undefined);
    if (ids.length > 0) this.jobs.start(projectId, ids, { kind: 'package', path });
    return ids.length;
  }

  /** Who makes this call: the team member the host names, else the local user. */
  private actorOf(context: CallContext | undefined): string {
    return context?.actor ?? this.localActor;
  }

  /** Who may hear of a change made by this call: a team member's line (event-hub.ts); the local user's, everyone. */
  private audienceOf(context: CallContext | undefined): Audience | undefined {
    if (context === undefined) return undefined;
    return { owner: context.role === 'annotator' ? context.actor : null };
  }

  // The annotation and label services hold no state but the store and the author, so a team member's call gets its
  // own, authored by them; the local user's calls share one.
  // A team curator's or admin's saves on the shared line are the gold standard.
  private annotationsFor(context: CallContext | undefined): AnnotationService {
    return context === undefined ? this.annotations : new AnnotationService(this.store, context.actor, true);
  }

  /**
   * A team annotator works on their own line (annotation-lines.ts), blind to the others', on their assigned documents
   * (annotator-documents.ts); anyone else: undefined.
   */
  private lineOf(context: CallContext | undefined): AnnotationLines | undefined {
    const mine = this.annotatorOf(context);
    return mine && new AnnotationLines(this.store, context!.actor, mine.access);
  }

  private annotatorOf(context: CallContext | undefined): AnnotatorDocuments | undefined {
    return context?.role === 'annotator' ? new AnnotatorDocuments(this.store, context.actor) : undefined;
  }

  private labelsFor(context: CallContext | undefined): LabelService {
    return context === undefined ? this.labels : new LabelService(this.store, context.actor);
  }

  private project(projectId: number) {
    const project = this.store.projects.byId(projectId);
    if (!project) throw new ContractError('not-found', `no project ${projectId}`, 'projectId');
    return project;
  }

  async 'app.info'(_p?: Params<'app.info'>, context?: CallContext): Promise<Results['app.info']> {
    const formats = Object.values(codecs).map((c) => ({
      id: c.id,
      title: c.title,
      extensions: [...c.extensions],
      multiFile: c.multiFile,
      carriesAuthor: c.carriesAuthor ?? false,
      holdsSpans: !c.textOnly,
    }));
    const user = context && { name: context.actor, role: context.role };
    // The server's own folders are an admin's business on a team server (only admins export or browse them).
    const dataDir = context === undefined || context.role === 'admin' ? this.options.dataDir : '';
    return { version: this.options.version, host: this.options.host, dataDir, formats, ...(user ? { user } : {}) };
  }

  async 'projects.list'(): Promise<Results['projects.list']> {
    return this.store.projects.list().map((p) => ({
      id: p.id,
      name: p.name,
      labels: this.store.labels.list(p.id).map((l) => ({ name: l.name, colour: l.colour, shortcut: l.shortcut })),
    }));
  }

  async 'documents.list'(p: Params<'documents.list'>, context?: CallContext): Promise<Results['documents.list']> {
    this.project(p.projectId);
    return (this.annotatorOf(context) ?? this.index).list(p.projectId, p);
  }

  async 'documents.progress'(
    p: Params<'documents.progress'>,
    context?: CallContext,
  ): Promise<Results['documents.progress']> {
    this.project(p.projectId);
    return (this.annotatorOf(context) ?? this.index).progress(p.projectId);
  }

  async 'documents.get'(p: Params<'documents.get'>, context?: CallContext): Promise<Results['documents.get']> {
    const line = this.lineOf(context);
    if (line) return line.view(p.documentId);
    const doc = this.annotations.document(p.documentId);
    const revision = doc.revisionId === null ? 0 : (this.store.revisions.latest(doc.id)?.revision ?? 0);
    return {
      id: doc.id,
      name: doc.name,
      text: doc.text,
      status: doc.status,
      ...(doc.tokens ? { tokens: doc.tokens } : {}),
      revisionId: doc.revisionId,
      revision,
      entities: doc.entities.map(({ label, start, end, fragments }) =>
        fragments ? { label, start, end, fragments } : { label, start, end },
      ),
      suggestions: pendingSuggestions(
        doc.entities,
        this.store.suggestions.forDocument(doc.id),
        suggestionLabels(this.store, doc.id),
      ),
    };
  }

  async 'documents.adjacent'(
    p: Params<'documents.adjacent'>,
    context?: CallContext,
  ): Promise<Results['documents.adjacent']> {
    const mine = this.annotatorOf(context);
    if (mine) return mine.adjacent(p);
    return { documentId: this.store.documents.adjacent(p.projectId, p.documentId, p.direction, p.status) };
  }

  async 'documents.setStatus'(
    p: Params<'documents.setStatus'>,
    context?: CallContext,
  ): Promise<Results['documents.setStatus']> {
    (this.lineOf(context) ?? this.annotationsFor(context)).setStatus(p);
    this.events.emit(
      { type: 'document.changed', documentId: p.documentId, revisionId: null, reason: 'status' },
      this.audienceOf(context),
    );
    return { status: p.status };
  }

  async 'documents.import'(p: Params<'documents.import'>, context?: CallContext): Promise<Results['documents.import']> {
    this.project(p.projectId); // an upload not taken is discarded by the host that received it
    // The browser sends content, not a path: keep a copy under the data folder, which also records what came in.
    // The bytes are kept as sent (or as the host received them): the import's UTF-8 check sees them.
    const dir = join(this.options.dataDir, 'imports', stamp());
    mkdirSync(dir, { recursive: true });
    const path = join(dir, p.name);
    if (p.upload) this.uploads.take(p.upload, path);
    else writeFileSync(path, Buffer.from(p.contentBase64 ?? '', 'base64'));
    // A name that cannot tell (.json, .jsonl) is decided by the first record; the file came alone (no brat pair).
    const format = p.format ?? guessFormat(p.name, fileHead(path), { alone: true });
    if (!format)
      throw new ContractError(
        'invalid',
        `documents.import: invalid format: cannot tell the format of "${p.name}"; choose one`,
        'format',
      );
    let codec;
    try {
      codec = codecFor(format);
    } catch (error) {
      throw new ContractError('invalid', `documents.import: invalid format: ${(error as Error).message}`, 'format');
    }
    try {
      const result = await importPath(this.store, path, {
        projectId: p.projectId,
        format: codec,
        variant: p.variant,
        actor: this.actorOf(context),
      });
      this.events.emit({ type: 'documents.imported', projectId: p.projectId, count: result.imported });
      return {
        imported: result.imported,
        unchanged: result.unchanged,
        entities: result.entities,
        suggestedSpans: result.suggestedSpans,
        warnings: result.warnings,
        issues: result.issues.slice(0, 50).map(formatIssue),
      };
    } catch (error) {
      if (error instanceof InputError)
        throw new ContractError(
          'invalid',
          `the file has errors; nothing was imported:\n${error.issues.slice(0, 20).map(formatIssue).join('\n')}`,
          'content',
        );
      throw error;
    }
  }

  async 'annotations.save'(p: Params<'annotations.save'>, context?: CallContext): Promise<Results['annotations.save']> {
    const result = (this.lineOf(context) ?? this.annotationsFor(context)).save(p);
    this.events.emit(
      { type: 'document.changed', documentId: p.documentId, revisionId: result.revisionId, reason: 'edit' },
      this.audienceOf(context),
    );
    return result;
  }

  async 'annotations.history'(
    p: Params<'annotations.history'>,
    context?: CallContext,
  ): Promise<Results['annotations.history']> {
    return (this.lineOf(context) ?? this.annotations).history(p.documentId);
  }

  async 'annotations.revision'(
    p: Params<'annotations.revision'>,
    context?: CallContext,
  ): Promise<Results['annotations.revision']> {
    return (this.lineOf(context) ?? this.annotations).revision(p.documentId, p.revisionId);
  }

  async 'suggestions.reject'(
    p: Params<'suggestions.reject'>,
    context?: CallContext,
  ): Promise<Results['suggestions.reject']> {
    const rejected = (this.lineOf(context) ?? this.annotationsFor(context)).reject(p);
    this.events.emit(
      { type: 'document.changed', documentId: p.documentId, revisionId: null, reason: 'suggestions' },
      this.audienceOf(context),
    );
    return { rejected };
  }

  async 'suggestions.reopen'(
    p: Params<'suggestions.reopen'>,
    context?: CallContext,
  ): Promise<Results['suggestions.reopen']> {
    const reopened = (this.lineOf(context) ?? this.annotationsFor(context)).reopen(p);
    this.events.emit(
      { type: 'document.changed', documentId: p.documentId, revisionId: null, reason: 'suggestions' },
      this.audienceOf(context),
    );
    return { reopened };
  }

  async 'export.run'(p: Params<'export.run'>, context?: CallContext): Promise<Results['export.run']> {
    this.project(p.projectId);
    let codec;
    try {
      codec = codecFor(p.format);
    } catch (error) {
      throw new ContractError('invalid', `export.run: invalid format: ${(error as Error).message}`, 'format');
    }
    // A typed destination is the user's: `~` and relative paths mean their home folder, never the server's cwd.
    const summary = await exportProject(this.store, p.destination, {
      projectId: p.projectId,
      format: codec,
      variant: p.variant,
      scope: p.scope,
      lines: p.lines,
      goldOnly: p.goldOnly,
      actor: this.actorOf(context),
      overwrite: p.overwrite ?? false,
      base: homedir(),
      dataDir: this.options.dataDir,
    });
    return {
      destination: summary.destination,
      format: codec.id,
      scope: p.scope,
      lines: p.lines ?? 'shared',
      docs: summary.docs,
      entities: summary.entities,
      leftOut: summary.leftOut,
      awaitingCuration: summary.awaitingCuration,
      files: summary.files,
      bytes: summary.bytes,
      warnings: summary.warnings,
      issues: summary.issues.slice(0, 50).map(formatIssue),
    };
  }

  async 'files.listFolders'(p: Params<'files.listFolders'>): Promise<Results['files.listFolders']> {
    return listFolders(p.path, { extensions: p.extensions });
  }

  async 'models.list'(): Promise<Results['models.list']> {
    // The engine's models, then the fine-tuned versions in the registry; the active one is marked (and offered first).
    const active = this.store.models.active();
    const models = this.options.engine
      .models()
      .map((m) => ({ ...m, active: m.kind === 'embedded' && (!active || active.parentId === null) }));
    for (const v of this.store.models.list().filter((m) => m.parentId !== null)) {
      models.push({
        id: `model:${v.id}`,
        name: `${v.name} ${v.version}`,
        kind: 'package',
        path: v.path,
        available: true,
        active: v.active,
      });
    }
    return { models, device: this.options.engine.device() };
  }

  async 'preannotate.start'(
    p: Params<'preannotate.start'>,
    context?: CallContext,
  ): Promise<Results['preannotate.start']> {
    this.project(p.projectId);
    const ids = this.jobs.documentsFor(p.projectId, p.scope, p.documentIds);
    return this.jobs.start(p.projectId, ids, p.model, {
      disagreement: p.disagreement ?? false,
      actor: this.actorOf(context),
    });
  }

  async 'preannotate.trace'(p: Params<'preannotate.trace'>): Promise<Results['preannotate.trace']> {
    const doc = this.annotations.document(p.documentId);
    // A replay opens a model of its own: never beside a running job, which may hold a large one already.
    if ([...this.jobs.list(), ...this.fineTunes.list(), ...this.training.list()].some((j) => j.state === 'running')) {
      throw new ContractError('conflict', 'a job is running; replay the denoising once it has finished');
    }
    return traceText(this.options.engine, doc.id, doc.text, p.model);
  }

  async 'jobs.cancel'(p: Params<'jobs.cancel'>): Promise<Results['jobs.cancel']> {
    if (this.training.has(p.jobId)) return this.training.cancel(p.jobId);
    return this.fineTunes.has(p.jobId) ? this.fineTunes.cancel(p.jobId) : this.jobs.cancel(p.jobId);
  }

  async 'jobs.list'(): Promise<Results['jobs.list']> {
    return [...this.jobs.list(), ...this.fineTunes.list(), ...this.training.list()];
  }

  async 'queue.next'(p: Params<'queue.next'>, context?: CallContext): Promise<Results['queue.next']> {
    this.project(p.projectId);
    return this.annotatorOf(context)?.queue(p) ?? nextDocuments(this.store, p);
  }

  async 'models.versions'(p: Params<'models.versions'>): Promise<Results['models.versions']> {
    this.project(p.projectId);
    return this.fineTunes.versions(p.projectId);
  }

  async 'models.activate'(p: Params<'models.activate'>, context?: CallContext): Promise<Results['models.activate']> {
    return this.fineTunes.activate(p.modelId, this.actorOf(context));
  }

  async 'fineTune.start'(p: Params<'fineTune.start'>, context?: CallContext): Promise<Results['fineTune.start']> {
    this.project(p.projectId);
    return this.fineTunes.start(p, this.actorOf(context));
  }

  async 'models.train'(p: Params<'models.train'>, context?: CallContext): Promise<Results['models.train']> {
    this.project(p.projectId);
    return this.training.start(p, this.actorOf(context));
  }

  async 'learning.curves'(p: Params<'learning.curves'>): Promise<Results['learning.curves']> {
    this.project(p.projectId);
    return learningCurves(this.store, this.options.dataDir, p.projectId);
  }

  async 'labels.list'(p: Params<'labels.list'>): Promise<Results['labels.list']> {
    return this.labels.list(p.projectId);
  }

  async 'labels.add'(p: Params<'labels.add'>, context?: CallContext): Promise<Results['labels.add']> {
    return this.labelsChanged(p.projectId, this.labelsFor(context).add(p));
  }

  async 'labels.rename'(p: Params<'labels.rename'>, context?: CallContext): Promise<Results['labels.rename']> {
    return this.labelsChanged(p.projectId, this.labelsFor(context).rename(p));
  }

  async 'labels.merge'(p: Params<'labels.merge'>, context?: CallContext): Promise<Results['labels.merge']> {
    return this.labelsChanged(p.projectId, this.labelsFor(context).merge(p));
  }

  async 'labels.delete'(p: Params<'labels.delete'>, context?: CallContext): Promise<Results['labels.delete']> {
    return this.labelsChanged(p.projectId, this.labelsFor(context).delete(p));
  }

  async 'labels.update'(p: Params<'labels.update'>, context?: CallContext): Promise<Results['labels.update']> {
    return this.labelsChanged(p.projectId, this.labelsFor(context).update(p));
  }

  async 'labels.map'(p: Params<'labels.map'>, context?: CallContext): Promise<Results['labels.map']> {
    return this.labelsChanged(p.projectId, this.labelsFor(context).map(p));
  }

  /** Other windows reload the label set and the open document (a rename rewrote it). */
  private labelsChanged<T>(projectId: number, result: T): T {
    this.events.emit({ type: 'labels.changed', projectId });
    return result;
  }

  async 'projects.settings'(p: Params<'projects.settings'>): Promise<Results['projects.settings']> {
    this.project(p.projectId);
    return this.settingsOf(p.projectId);
  }

  /** Keep-learning, the lexicon and the recorded dataset licence (what the dataset form starts from). */
  private settingsOf(projectId: number): Results['projects.settings'] {
    const licence = recordedLicence(this.store, projectId);
    return {
      ...this.keepLearning.settings(projectId, this.lexicon.enabled(projectId)),
      ...(licence === null ? {} : { licence }),
    };
  }

  async 'projects.updateSettings'(
    p: Params<'projects.updateSettings'>,
    context?: CallContext,
  ): Promise<Results['projects.updateSettings']> {
    this.project(p.projectId);
    const actor = this.actorOf(context);
    if (p.retrainEvery !== undefined && p.retrainEvery !== this.keepLearning.retrainEvery(p.projectId))
      this.keepLearning.setRetrainEvery(p.projectId, p.retrainEvery, actor);
    if (p.lexicon !== undefined && p.lexicon !== this.lexicon.enabled(p.projectId)) {
      this.lexicon.setEnabled(p.projectId, p.lexicon, actor);
      if (p.lexicon) this.lexicon.invalidate(p.projectId); // rebuilt and swept: suggestions come back without a new edit
    }
    // Turned on with enough finished documents already: the first training need not wait for the next one.
    if (p.retrainEvery) this.keepLearning.schedule(p.projectId);
    return this.settingsOf(p.projectId);
  }

  async 'assignments.assign'(
    p: Params<'assignments.assign'>,
    context?: CallContext,
  ): Promise<Results['assignments.assign']> {
    return new AssignmentService(this.store).assign(p, this.actorOf(context));
  }

  async 'assignments.unassign'(
    p: Params<'assignments.unassign'>,
    context?: CallContext,
  ): Promise<Results['assignments.unassign']> {
    return new AssignmentService(this.store).unassign(p, this.actorOf(context));
  }

  async 'assignments.progress'(p: Params<'assignments.progress'>): Promise<Results['assignments.progress']> {
    return new AssignmentService(this.store).progress(p.projectId);
  }

  async 'agreement.report'(p: Params<'agreement.report'>): Promise<Results['agreement.report']> {
    return new AgreementService(this.store).report(p);
  }

  async 'agreement.documents'(p: Params<'agreement.documents'>): Promise<Results['agreement.documents']> {
    return new AgreementService(this.store).disagreements(p);
  }

  async 'dataset.write'(p: Params<'dataset.write'>, context?: CallContext): Promise<Results['dataset.write']> {
    const project = this.project(p.projectId);
    let codec;
    try {
      codec = codecFor(p.format ?? 'doccano');
    } catch (error) {
      throw new ContractError('invalid', `dataset.write: invalid format: ${(error as Error).message}`, 'format');
    }
    if (codec.textOnly)
      throw new ContractError(
        'invalid',
        `dataset.write: ${codec.title} writes no spans; choose a format that does`,
        'format',
      );
    const shares = p.splits ?? [80, 10, 10];
    const total = shares.reduce((a, b) => a + b, 0);
    // No destination: a new folder in the data folder's exports/, named like an export's.
    const dest = p.destination ?? join(this.options.dataDir, 'exports', exportBaseName(project.name, 'dataset'));
    const summary = await writeDataset(this.store, dest, {
      projectId: p.projectId,
      codec,
      variant: p.variant,
      ratios: shares.map((x) => x / total),
      seed: p.seed,
      licence: p.licence,
      goldOnly: p.goldOnly,
      overwrite: p.overwrite ?? false,
      base: homedir(),
      dataDir: this.options.dataDir,
      actor: this.actorOf(context),
    });
    const { card } = summary;
    return {
      destination: summary.destination,
      documents: card.total.documents,
      spans: card.total.spans,
      splits: Object.fromEntries(
        Object.entries(card.splits).map(([name, s]) => [name, { documents: s.documents, spans: s.spans }]),
      ),
      awaitingCuration: card.sources.awaitingCuration,
      licence: card.licence,
      files: summary.files,
      bytes: summary.bytes,
      warnings: summary.warnings,
      issues: summary.issues.slice(0, 50).map(formatIssue),
    };
  }

  async 'curation.versions'(p: Params<'curation.versions'>): Promise<Results['curation.versions']> {
    return new CurationService(this.store).versions(p.documentId);
  }

  /** A curator's gold; in single-user mode the local user's (the desktop app's user curates too). */
  async 'curation.saveGold'(
    p: Params<'curation.saveGold'>,
    context?: CallContext,
  ): Promise<Results['curation.saveGold']> {
    const result = new CurationService(this.store).saveGold(p, this.actorOf(context));
    this.events.emit(
      { type: 'document.changed', documentId: p.documentId, revisionId: result.revisionId, reason: 'edit' },
      this.audienceOf(context),
    );
    return result;
  }

  async close(): Promise<void> {
    this.keepLearning.close();
    await this.training.stopAll();
    await this.fineTunes.stopAll();
    await this.jobs.stopAll();
    await this.lexicon.close();
    await this.index.close();
    await this.options.engine.close?.();
  }
}
