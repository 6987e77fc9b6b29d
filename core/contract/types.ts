// The values services return across the process boundary. Plain data only (structured-clone and JSON safe).
import type { z } from 'zod';
import type { CurveSeries } from '../active-learning/learning-curve.js';
import type { DocumentStatus, ExportScope } from '../document-status.js';
import type { modelChoiceSchema, spanSchema } from './schemas.js';
import type { Role } from './roles.js';
import type { ExportLines } from '../export-lines.js';
import type { PairAgreement } from '../metrics/pair-agreement.js';
import type { SpanVote } from '../metrics/span-votes.js';

// Domain words owned by core, used across the boundary as they are.
export type { CurveSeries, DocumentStatus, ExportLines, ExportScope, PairAgreement, SpanVote };
export type ModelChoice = z.infer<typeof modelChoiceSchema>;
/** An entity: label and code-point range. */
export type Span = z.infer<typeof spanSchema>;

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  /** The server's data folder; empty for a team member who is not an admin. */
  dataDir: string;
  /** Formats import and export offer. */
  /**
   * carriesAuthor: a record can name its author (what an export of every annotator's version needs); holdsSpans: the
   * format writes the spans, not only the text (what a dataset needs).
   */
  formats: {
    id: string;
    title: string;
    extensions: string[];
    multiFile: boolean;
    carriesAuthor: boolean;
    holdsSpans: boolean;
  }[];
  /** On a team server: who is logged in (absent for the single local user). */
  user?: { name: string; role: Role };
}

export interface ProjectInfo {
  id: number;
  name: string;
  labels: LabelInfo[];
}

export interface LabelInfo {
  name: string;
  colour: string;
  /** The key that applies it in the editor. */
  shortcut: string | null;
}

export interface DocumentSummary {
  id: number;
  name: string;
  status: DocumentStatus;
  /** Entities of the latest revision. */
  entityCount: number;
  /** Suggested spans nobody has acted on yet. */
  pendingSuggestions: number;
  /** 1 − mean score of the pending suggestions; null when there are none. */
  uncertainty: number | null;
  /** The first characters of the text. */
  preview: string;
}

export interface DocumentPage {
  items: DocumentSummary[];
  /** Documents matching the filter. */
  total: number;
}

export interface ProjectProgress {
  total: number;
  /** Documents done or reviewed. */
  done: number;
  byStatus: Record<string, number>;
  /** Entities of the latest revisions per label. */
  byLabel: Record<string, number>;
}

export interface SuggestedSpan extends Span {
  /** The suggested span's id, to accept or reject it. */
  id: number;
  score: number | null;
  /** Which model said so: name and version. */
  source: string;
}

export interface DocumentView {
  id: number;
  name: string;
  text: string;
  status: DocumentStatus;
  /** Token boundaries when the source had them; the editor tokenises otherwise. */
  tokens?: { start: number; end: number }[];
  /** The latest revision; null before the first edit. */
  revisionId: number | null;
  revision: number;
  entities: Span[];
  /** Suggested spans nobody has acted on and no entity already equals. */
  suggestions: SuggestedSpan[];
}

export interface SaveResult {
  revisionId: number;
  revision: number;
  status: DocumentStatus;
}

export interface RevisionInfo {
  id: number;
  revision: number;
  author: string;
  createdAt: string;
  entityCount: number;
  note: string | null;
}

/** A revision with its entities (to look at it or restore it as a new revision). */
export interface RevisionView extends RevisionInfo {
  entities: Span[];
}

export interface ImportSummary {
  imported: number;
  unchanged: number;
  entities: number;
  suggestedSpans: number;
  warnings: number;
  /** The first issues, formatted `file:line: severity: field: message`. */
  issues: string[];
}

export interface ExportSummary {
  /** The absolute path written: the file, or the folder holding the files. */
  destination: string;
  format: string;
  scope: ExportScope;
  /** Which annotation of each document was written (core/export-lines.ts). */
  lines: ExportLines;
  /** Records written (an annotators' export writes one per document and annotator). */
  docs: number;
  entities: number;
  leftOut: number;
  /** A gold export: documents finished by two or more annotators and not curated yet, left out. */
  awaitingCuration: number;
  files: number;
  bytes: number;
  warnings: number;
  issues: string[];
}

/** One folder as the export dialog's browser shows it (files.listFolders). */
export interface FolderListing {
  /** The folder, absolute. */
  path: string;
  /** The user's home folder: the browser's root. */
  home: string;
  /** The folder above, or null at the home folder. */
  parent: string | null;
  /** Sub-folders (not hidden ones), sorted by name. */
  folders: string[];
  /** Files with one of the asked extensions, with their size: what an export here could replace. */
  files: { name: string; bytes: number }[];
  /** More entries than are listed (the first FOLDER_LIST_LIMIT of each kind are). */
  truncated: boolean;
}

export interface ModelInfo {
  id: string;
  name: string;
  kind: 'embedded' | 'package';
  path: string | null;
  available: boolean;
  /** The registry's active model (the one the UI offers first). */
  active?: boolean;
  /** Why it cannot be used, when it cannot. */
  reason?: string;
  /**
   * The labels it writes, for mapping them onto the project's: `model` is the name a label mapping keys on (the
   * manifest's), `schemas` the label sets it learnt together (one per corpus).
   */
  output?: { model: string; labels: string[]; schemas?: { name: string; labels: string[] }[] };
}

/** Why a device was chosen, as a code the UI words in its own language (the English `reason` is the detail). */
export type DeviceReason =
  | 'cpu-chosen'
  | 'cuda-loaded'
  | 'cuda-fallback'
  | 'cuda-not-installed'
  | 'cuda-to-try'
  | 'pytorch'
  | 'no-engine'
  | 'training-cpu'
  | 'trainer-auto'
  | 'fine-tuning';

export interface DeviceInfo {
  device: 'cuda' | 'cpu' | 'none';
  /** Why this device, in English with the technical detail: "CUDA provider loaded", "no CUDA libraries found, ..." */
  reason: string;
  /** The same reason as a code (absent from older services): what the UI translates. */
  code?: DeviceReason;
  /** Which library runs the model's forward, once a model is open (its package decides). */
  backend?: 'onnxruntime' | 'pytorch';
}

export interface ModelsInfo {
  models: ModelInfo[];
  device: DeviceInfo;
}

export type JobState = 'running' | 'done' | 'cancelled' | 'failed';

/** How the model denoised one window of a document, step by step (preannotate.trace). */
export interface DenoisingSegment {
  /** Code-point range of the window in the document. */
  start: number;
  end: number;
  /** Code-point range in the document of each of the window's text tokens. */
  tokens: { start: number; end: number }[];
  /** True when canvas position i labels text token i (an aligned-BIO model); otherwise the canvas is free text. */
  aligned: boolean;
  /** The canvas after each step: per position its decoded token, or null while still masked. */
  steps: (string | null)[][];
}

export interface DenoisingTrace {
  documentId: number;
  model: { name: string; version: string };
  segments: DenoisingSegment[];
}

export interface JobInfo {
  id: string;
  kind: 'preannotate' | 'fine-tune' | 'train';
  state: JobState;
  /** Documents finished (their suggestions stored). */
  done: number;
  total: number;
  /** Estimated share of the job done, in [0, 1]: finished documents plus the engine's progress on those in flight. */
  progress: number;
  /** The denoising step in flight: step of totalSteps, in batch of batches of the documents in flight. */
  step?: { step: number; totalSteps: number; batch: number; batches: number };
  /** Suggested spans written so far. */
  spans: number;
  device: DeviceInfo;
  error?: string;
  /** Fine-tune jobs: what runs now (done/total count training steps), the latest training loss, the new version. */
  phase?: 'prepare' | 'train' | 'export' | 'evaluate' | 'register';
  loss?: number;
  modelId?: number;
  /** Train jobs, once done: the new version's held-out score against the active model's, and what became of it. */
  result?: TrainResult;
  /** Train jobs keep-learning started (a project's `retrainEvery`), not a person. */
  trigger?: 'auto';
}

/** What training a model for a project's own labels gave (docs/training.md, "A model for the project's labels"). */
export interface TrainResult {
  modelId: number;
  /** Nested micro-F1 of the new version on the held-out documents. */
  heldoutF1: number | null;
  /** The model that was active, and its F1 on the same held-out documents (null when it could not be scored). */
  activeModel: string | null;
  activeF1: number | null;
  trainDocs: number;
  heldoutDocs: number;
  activated: boolean;
  /** Why it became the active model, or why not. */
  reason: string;
  /** Unfinished documents whose re-annotation with the new version started (keep-learning, or `reannotate`). */
  reannotated?: number;
}

/** A project's settings (projects.settings): keep-learning and the lexicon's suggestions. */
export interface ProjectSettings {
  /** Train a new version in the background after this many newly finished documents; null: never (the default). */
  retrainEvery: number | null;
  /** Whether the lexicon suggests spans from the finished documents (on by default). */
  lexicon: boolean;
  /** Finished (done or reviewed) documents now, and when the last training that finished began. */
  finished: number;
  finishedAtLastTraining: number;
  /** The dataset licence the last dataset.write or `workbench dataset` recorded; absent when none was stated. */
  licence?: string;
}

/** Why the queue puts a document where it is (core/active-learning/ranking.ts). */
export interface QueueReason {
  strategy: string;
  /** The signal the strategy read: entropy (nats), 1 − margin, disagreement, or the random draw. */
  value: number;
  costAware: boolean;
  tokens: number;
  nearDuplicateOf?: number;
  unscored?: boolean;
}

export interface QueueItem {
  documentId: number;
  name: string;
  preview: string;
  status: DocumentStatus;
  /** Higher = more useful next; null when the strategy has no signal for it. */
  score: number | null;
  /** The document's uncertainty exactly as the document list shows it (its stored summary); null when it has none. */
  uncertainty: number | null;
  reason: QueueReason;
}

export interface QueuePage {
  items: QueueItem[];
  /** Unfinished documents, and how many of them have the strategy's signal. */
  total: number;
  scored: number;
}

export interface ModelVersion {
  id: number;
  name: string;
  version: string;
  path: string;
  active: boolean;
  parentId: number | null;
  createdAt: string;
  /** Held-out scores and training facts recorded when it was registered. */
  metrics: {
    heldoutF1?: number;
    heldoutPrecision?: number;
    heldoutRecall?: number;
    trainDocs?: number;
    heldoutDocs?: number;
    /** Held-out documents it (or a model it started from) trained on: its held-out F1 flatters it by as much. */
    heldoutSeen?: number;
    seconds?: number;
    /** Versions trained for the project's labels: their labels, where they started, the active model's F1 on the same held-out documents, and the decision. */
    labels?: string[];
    from?: string;
    activeModel?: string | null;
    activeF1?: number | null;
    activated?: boolean;
    reason?: string;
    /** The package was trained again on this many documents, held-out ones included, after it was scored. */
    refitDocs?: number;
    /** The decoding threshold it ships with, and the held-out F1 of each one tried when the trainer chose it there. */
    threshold?: number;
    thresholds?: Record<string, number>;
  } | null;
  /** The F1 its model card reports (the manifest's first F1 evaluation), on the card's own dataset, not this project's. */
  card?: { f1: number; dataset: string };
}

export interface FineTuneRun {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  baseModelId: number;
  modelId: number | null;
  trainDocs: number;
  heldoutDocs: number;
  heldoutF1: number | null;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** Why fine-tuning cannot run here, as a code the UI translates (the English `reason` has the detail). */
export type TrainerUnavailable = 'no-model' | 'no-weights' | 'no-python';

export interface ModelVersions {
  /** The embedded model and every version fine-tuned in this project, oldest first. */
  versions: ModelVersion[];
  fineTunes: FineTuneRun[];
  /** Whether fine-tuning can run here, and why not; `minFinished`: the finished documents a fine-tune needs. */
  trainer: { available: boolean; reason?: string; code?: TrainerUnavailable; minFinished?: number };
}

export interface LearningCurves {
  /** This project's versions: held-out F1 against the finished documents each was trained on. */
  project: CurveSeries;
  /**
   * The same points, one per version with a held-out score, oldest first: `train` for models of the project's own
   * labels (models.train, keep-learning), `fine-tune` for fine-tunes of the active model; `labeled` is its training
   * documents. The Models view draws one line per kind.
   */
  versions: {
    modelId: number;
    name: string;
    version: string;
    kind: 'train' | 'fine-tune';
    labeled: number;
    f1: number;
    active: boolean;
  }[];
  /**
   * `workbench simulate` results found in the data folder's simulations/ (dev F1 per strategy), and the reference run
   * shipped in assets/simulations (`bundled`: on PhoNER_COVID19, not on this project's documents).
   */
  simulations: { source: string; title: string; series: CurveSeries[]; bundled: boolean }[];
}

/** A label with how many entities of the current annotations carry it (as the list's totals say). */
export interface LabelDetail extends LabelInfo {
  entities: number;
}

/** A project's label set and its model label mapping (`model` `*`: any model). */
export interface LabelSet {
  labels: LabelDetail[];
  mappings: { model: string; modelLabel: string; projectLabel: string }[];
}

/** A rename, merge or delete: the label set after it, and the documents and entities it rewrote as new revisions. */
export interface LabelChange extends LabelSet {
  documents: number;
  entities: number;
}

/** What assignments.assign did: rows added (pairs already assigned are kept as they were), per annotator. */
export interface AssignResult {
  added: number;
  /** Documents the request covered. */
  documents: number;
  byAnnotator: Record<string, number>;
}

/** A project's assignment: each annotator's assigned and finished documents, and the documents' coverage. */
export interface AssignmentProgress {
  annotators: { annotator: string; assigned: number; done: number; inProgress: number; skipped: number }[];
  documents: number;
  /** Documents nobody is assigned. */
  unassigned: number;
  /** Documents assigned to more than one annotator (where agreement can be measured). */
  overlapped: number;
}

/** Agreement between annotators' finished lines: each pair over the documents both finished, overall and per label. */
export interface AgreementReport {
  /** The nesting level kappa's BIO tags come from (0 = outermost). */
  level: number;
  annotators: string[];
  /** Documents with at least two finished lines. */
  documents: number;
  pairs: PairAgreement[];
}

/** Documents with at least two finished lines, most disagreement first (lowest mean strict F1 over their pairs). */
export interface DisagreementPage {
  items: {
    documentId: number;
    name: string;
    annotators: string[];
    strictF1: number;
    overlapF1: number;
    /** Entities the strict match left unmatched, summed over the pairs. */
    unmatched: number;
  }[];
  total: number;
}

/** An annotator's line of a document as curation shows it: its latest revision. */
export interface CurationLine {
  annotator: string;
  /** Who wrote the latest revision (the annotator, or an admin's label rewrite). */
  author: string;
  /** 0 and null for a line finished without a save (it stands at the shared base it was shown). */
  revision: number;
  revisionId: number | null;
  createdAt: string | null;
  status: DocumentStatus;
  entities: Span[];
}

/** Everything curating a document needs: its text, every annotator's version, the gold and who marked what. */
export interface CurationVersions {
  documentId: number;
  name: string;
  text: string;
  /** The shared line's latest revision: what curation.saveGold names as its parent (null: none yet). */
  parentRevisionId: number | null;
  /** The current gold (a curator's latest save on the shared line), or null when nobody has curated it. */
  gold: { revisionId: number; revision: number; author: string; createdAt: string; entities: Span[] } | null;
  /** Annotators' lines, by name. */
  lines: CurationLine[];
  /** The union of the lines' spans in text order, each with who has it (core/metrics/span-votes.ts). */
  votes: SpanVote[];
}

/** What dataset.write wrote: the folder, the splits' counts and what the card says about the source. */
export interface DatasetSummary {
  destination: string;
  documents: number;
  spans: number;
  /** Split name -> documents and spans (the card has the rest). */
  splits: Record<string, { documents: number; spans: number }>;
  /** Documents finished by several annotators and not curated yet: left out. */
  awaitingCuration: number;
  licence: string | null;
  files: number;
  bytes: number;
  warnings: number;
  issues: string[];
}
