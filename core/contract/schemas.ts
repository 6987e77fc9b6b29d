// Runtime schemas for the values that cross the process boundary. Offsets are Unicode code points into the
// document's NFC text, as everywhere in the store; the renderer converts with core/offsets.ts only.
import { z } from 'zod';
import { STRATEGIES } from '../active-learning/ranking.js';
import { DOCUMENT_STATUSES, EXPORT_SCOPES, SETTABLE_STATUSES } from '../document-status.js';
import { EXPORT_LINES } from '../export-lines.js';
import { labelProblem, normalizeLabel } from '../labels.js';
import { MAX_IMPORT_BYTES } from './limits.js';

const offset = z.number().int().min(0);
const id = z.number().int().positive();

export const rangeSchema = z
  .object({ start: offset, end: offset })
  .refine((r) => r.end > r.start, { message: 'end must be greater than start', path: ['end'] });

/** An annotated entity as the editor sends it: label and code-point range (fragments for discontinuous ones). */
export const spanSchema = z
  .object({
    label: z.string().superRefine((label, ctx) => {
      const problem = labelProblem(label);
      if (problem) ctx.addIssue({ code: 'custom', message: `a label ${problem}` });
    }),
    start: offset,
    end: offset,
    fragments: z.array(rangeSchema).min(2).optional(),
  })
  .strict()
  .refine((s) => s.end > s.start, { message: 'end must be greater than start', path: ['end'] });

export const documentStatusSchema = z.enum(DOCUMENT_STATUSES);
/** Statuses a person sets by hand (the others follow from what happens to the document). */
export const settableStatusSchema = z.enum(SETTABLE_STATUSES);
export const exportScopeSchema = z.enum(EXPORT_SCOPES);
/** What a save does to a suggested span: takes it (as is, or changed), or gives it back (undoing an accept or edit). */
export const outcomeSchema = z.enum(['accepted', 'edited', 'reopened']);
export const modelChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }).strict(),
  z.object({ kind: z.literal('package'), path: z.string().min(1).max(4096) }).strict(),
]);

export const idSchema = id;
export const projectRef = z.object({ projectId: id }).strict();
export const documentRef = z.object({ documentId: id }).strict();
/** One revision of one document (annotations.revision). */
export const revisionRef = z.object({ documentId: id, revisionId: id }).strict();

export const listDocumentsSchema = z
  .object({
    projectId: id,
    /** Case-insensitive substring of the text or the name. */
    text: z.string().max(500).optional(),
    /** Only documents with at least one entity (or pending suggestion) of this label. */
    label: z.string().max(64).optional(),
    status: documentStatusSchema.optional(),
    sort: z.enum(['order', 'uncertainty']).optional(),
    /** Rows skipped (any order). */
    offset: z.number().int().min(0).optional(),
    /** The page after or before this document in the list's order: a seek at any depth (next / previous page). */
    after: id.optional(),
    before: id.optional(),
    limit: z.number().int().min(1).max(5000).optional(),
  })
  .strict()
  .refine((q) => [q.offset, q.after, q.before].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of offset, after and before',
    path: ['after'],
  });

export const saveAnnotationsSchema = z
  .object({
    documentId: id,
    /** The revision the edit started from; null when the document had none. A stale parent is refused. */
    parentRevisionId: id.nullable(),
    entities: z.array(spanSchema).max(100_000),
    /**
     * What the edit did to suggested spans: accepting one, editing one into an entity, or `reopened` when an undo
     * takes back an accept or edit (the span is pending again; refused unless its latest outcome is one of those).
     */
    outcomes: z
      .array(z.object({ suggestedSpanId: id, outcome: outcomeSchema }).strict())
      .max(100_000)
      .optional(),
    /** Why this revision exists: edit, undo, redo, accept... (kept in the revision's note). */
    note: z.string().max(200).optional(),
  })
  .strict();

export const rejectSuggestionsSchema = z
  .object({ documentId: id, suggestedSpanIds: z.array(id).min(1).max(100_000) })
  .strict();
/** Takes back rejects (undo): each span's latest outcome must be `rejected`. */
export const reopenSuggestionsSchema = rejectSuggestionsSchema;

export const setStatusSchema = z.object({ documentId: id, status: settableStatusSchema }).strict();

export const adjacentSchema = z
  .object({
    projectId: id,
    documentId: id,
    direction: z.enum(['next', 'previous']),
    status: documentStatusSchema.optional(),
  })
  .strict();

// Standard base64 with padding; the length bound is checked (and aborts) first, so the regex sees at most ~85 MB.
export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/u;
/** An import's upload: a file the host received before the call (main/services/uploads.ts). */
export const UPLOAD_ID = /^[a-f0-9]{32}$/u;

export const importSchema = z
  .object({
    projectId: id,
    /** File name (for format guessing and as the documents' source). */
    name: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^/\\]+$/u, 'a file name, not a path')
      .refine((name) => name !== '.' && name !== '..', 'a file name, not "." or ".."')
      .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'a file name without control characters'),
    /**
     * The file's bytes, base64 (at most 64 MiB decoded). Bytes, not text: the server reads them as the CLI reads a
     * file, so invalid UTF-8 is refused with its line instead of becoming U+FFFD on the way.
     */
    contentBase64: z
      .string()
      .max(Math.ceil(MAX_IMPORT_BYTES / 3) * 4, {
        message: `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`,
        abort: true,
      })
      .refine((b) => b.length % 4 === 0 && BASE64.test(b), 'not base64')
      .optional(),
    /** Instead of the bytes: a file the host received for this import (the browser host's large bodies). */
    upload: z.string().regex(UPLOAD_ID, 'an upload id').optional(),
    format: z.string().min(1).max(32).optional(),
    variant: z.string().max(32).optional(),
  })
  .strict()
  .refine((p) => (p.contentBase64 === undefined) !== (p.upload === undefined), {
    message: 'either the content or an upload, not both',
    path: ['contentBase64'],
  });

export const exportSchema = z
  .object({
    projectId: id,
    format: z.string().min(1).max(32),
    variant: z.string().max(32).optional(),
    scope: exportScopeSchema,
    /** Which annotation of each document (core/export-lines.ts); default the shared line. */
    lines: z.enum(EXPORT_LINES).optional(),
    /** With lines `gold`: only documents a curator has written gold for (no fallback to the answered annotation). */
    goldOnly: z.boolean().optional(),
    /**
     * A file (or folder, for multi-file formats) on this machine; default: a new one in the data folder's exports/.
     * `~` and relative paths are the user's home folder. A folder for a one-file format gets a named file inside.
     */
    destination: z.string().min(1).max(4096).optional(),
    /** Write over an existing file / into a non-empty folder; without it they are refused (`conflict`). */
    overwrite: z.boolean().optional(),
  })
  .strict()
  .refine((p) => p.goldOnly === undefined || p.lines === 'gold', {
    message: 'goldOnly applies to a gold export (lines: gold) only',
    path: ['goldOnly'],
  });

/**
 * A folder of the export dialog's browser: inside the user's home folder only (absent: the home folder itself;
 * `~` and relative paths are the home). `extensions` (`.jsonl`) picks which file names to list beside the sub-folders,
 * so the user sees what an export there could replace; nothing is read from any file.
 */
export const listFoldersSchema = z
  .object({
    path: z.string().min(1).max(4096).optional(),
    extensions: z
      .array(z.string().regex(/^\.[\w.-]{1,16}$/u))
      .max(8)
      .optional(),
  })
  .strict();

export const preannotateSchema = z
  .object({
    projectId: id,
    /** `selected` runs on documentIds; `unfinished` on every document not done, reviewed or skipped. */
    scope: z.enum(['selected', 'unfinished']),
    documentIds: z.array(id).max(1_000_000).optional(),
    model: modelChoiceSchema,
    /** Also run two sampled passes and record their disagreement (the disagreement ranking); 3× the work. */
    disagreement: z.boolean().optional(),
  })
  .strict()
  .refine((p) => p.scope !== 'selected' || (p.documentIds?.length ?? 0) > 0, {
    message: 'selected scope needs documentIds',
    path: ['documentIds'],
  });

export const queueSchema = z
  .object({
    projectId: id,
    strategy: z.enum(STRATEGIES),
    /** Divide by length: uncertainty per token of annotation effort. */
    costAware: z.boolean().optional(),
    /** Seed of the random strategy. */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();

export const modelRef = z.object({ modelId: id }).strict();

export const fineTuneSchema = z
  .object({
    projectId: id,
    /** Pre-annotate the unfinished documents with the new version once it is registered. */
    reannotate: z.boolean().optional(),
    /** Trainer settings (its defaults otherwise). */
    epochs: z.number().int().min(1).max(200).optional(),
    maxMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .optional(),
  })
  .strict();

/**
 * A project's settings (main/services/project-settings.ts). `retrainEvery`: train a new version in the background
 * after this many newly finished documents; null turns it off (the default).
 */
export const updateSettingsSchema = z
  .object({
    projectId: id,
    retrainEvery: z.number().int().min(1).max(100_000).nullable().optional(),
    lexicon: z.boolean().optional(),
  })
  .strict();

/** Train a model for the project's own labels: from the embedded model's weights (default), from scratch, or from a registered version. */
export const trainSchema = z
  .object({
    projectId: id,
    from: z.union([z.enum(['embedded', 'scratch']), id]).optional(),
    maxMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .optional(),
    /** When the new version becomes active, pre-annotate the unfinished documents with it (keep-learning always does). */
    reannotate: z.boolean().optional(),
  })
  .strict();

export const jobRef = z.object({ jobId: z.string().min(1).max(64) }).strict();
/** Denoise one document again with its history kept, to replay how the model wrote its suggestions. */
export const traceSchema = z.object({ documentId: id, model: modelChoiceSchema }).strict();
export const emptySchema = z.object({}).strict();

// Label set changes (issue 12). A colour is `#rrggbb`; a shortcut is one key the editor does not use for itself.
/** A label name as a person typed it: made canonical (NFC, trimmed), then the one rule of core/labels.ts. */
export const labelNameSchema = z
  .string()
  .max(1024)
  .transform(normalizeLabel)
  .superRefine((label, ctx) => {
    const problem = labelProblem(label);
    if (problem) ctx.addIssue({ code: 'custom', message: `a label ${problem}` });
  });
const colourSchema = z.string().regex(/^#[0-9A-Fa-f]{6}$/u, 'a colour is #rrggbb');
const shortcutSchema = z
  .string()
  .refine((k) => [...k].length === 1, 'a shortcut is one key')
  .refine((k) => !/[\s\p{Cc}\p{Cs}]/u.test(k), 'a shortcut is a visible key')
  .refine((k) => k === k.toLowerCase(), 'a shortcut is lower case (the editor reads keys without Shift)')
  .refine((k) => k !== '[' && k !== ']', 'the editor uses [ and ] to walk the spans')
  .nullable();
export const addLabelSchema = z
  .object({
    projectId: id,
    name: labelNameSchema,
    colour: colourSchema.optional(),
    shortcut: shortcutSchema.optional(),
  })
  .strict();
export const renameLabelSchema = z
  .object({ projectId: id, from: z.string().min(1).max(256), to: labelNameSchema })
  .strict();
export const mergeLabelsSchema = z
  .object({ projectId: id, from: z.array(z.string().min(1).max(256)).min(1).max(50), into: z.string().min(1).max(256) })
  .strict();
/** Without `force` a label that current annotations use is refused (`conflict`, detail: entities, documents). */
export const deleteLabelSchema = z
  .object({ projectId: id, name: z.string().min(1).max(256), force: z.boolean().optional() })
  .strict();
export const updateLabelSchema = z
  .object({
    projectId: id,
    name: z.string().min(1).max(256),
    colour: colourSchema.optional(),
    shortcut: shortcutSchema.optional(),
  })
  .strict()
  .refine((p) => p.colour !== undefined || p.shortcut !== undefined, {
    message: 'give a colour or a shortcut',
    path: ['colour'],
  });
/** Maps a model's label onto a project label (null: removes the mapping); no model: every model. */
export const mapLabelSchema = z
  .object({
    projectId: id,
    model: z.string().min(1).max(256).optional(),
    modelLabel: z.string().min(1).max(256),
    projectLabel: z.string().min(1).max(256).nullable(),
  })
  .strict();

/** A team member's name as users.name holds it. */
const userName = z.string().min(1).max(64);
const annotators = z
  .array(userName)
  .min(1)
  .max(200)
  .refine((names) => new Set(names.map((n) => n.toLowerCase())).size === names.length, {
    message: 'an annotator is named twice',
  });
/**
 * Who annotates which documents (team mode): `all` the project's documents to each annotator, a `list` of them to
 * each, or `auto`: the documents nobody is assigned yet spread over the annotators, `overlap` (0..1) of them to
 * `copies` annotators each (for agreement), deterministic for a `seed`. Assignments add up; unassign takes back.
 */
export const assignSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('all'), projectId: id, annotators }).strict(),
  z
    .object({ mode: z.literal('list'), projectId: id, annotators, documentIds: z.array(id).min(1).max(100_000) })
    .strict(),
  z
    .object({
      mode: z.literal('auto'),
      projectId: id,
      annotators,
      overlap: z.number().min(0).max(1),
      copies: z.number().int().min(2).max(20).optional(),
      seed: z.number().int().min(0).max(0xffffffff).optional(),
    })
    .strict(),
]);
/** Takes documents back from an annotator: the listed ones, or all of theirs in the project. */
export const unassignSchema = z
  .object({ projectId: id, annotator: userName, documentIds: z.array(id).min(1).max(100_000).optional() })
  .strict();
/** Agreement between annotators' finished lines: kappa's nesting level (0 = outermost), optionally some annotators. */
export const agreementSchema = z
  .object({
    projectId: id,
    level: z.number().int().min(0).max(20).optional(),
    annotators: z.array(userName).min(2).max(200).optional(),
  })
  .strict();
/** The documents whose annotators disagree most, first. */
export const disagreementsSchema = z
  .object({ projectId: id, limit: z.number().int().min(1).max(1000).optional() })
  .strict();
/**
 * A curator's gold for a document: the entities as they are to stand, after the shared revision the curation view
 * was read at (curation.versions' `parentRevisionId`; a stale parent is refused with `conflict`, as in a save).
 */
export const saveGoldSchema = z
  .object({
    documentId: id,
    parentRevisionId: id.nullable(),
    entities: z.array(spanSchema).max(100_000),
    note: z.string().max(200).optional(),
  })
  .strict();

/**
 * The gold standard as a dataset (workbench dataset): stratified splits and a card in one folder. `splits` are shares
 * (any unit; default 80/10/10); `licence` is kept as the project's; `destination` a folder (default: a new one in
 * the data folder's exports/), refused when it holds files unless `overwrite`.
 */
export const datasetSchema = z
  .object({
    projectId: id,
    format: z.string().min(1).max(32).optional(),
    variant: z.string().max(32).optional(),
    splits: z
      .array(z.number().finite().min(0).max(1e6))
      .min(2)
      .max(10)
      .refine((r) => r.some((x) => x > 0), 'the shares add up to nothing')
      .optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    licence: z.string().trim().min(1).max(2000).optional(),
    goldOnly: z.boolean().optional(),
    destination: z.string().min(1).max(4096).optional(),
    overwrite: z.boolean().optional(),
  })
  .strict();
