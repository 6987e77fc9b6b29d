// `workbench labels`: the label set of a project from the command line, through the same service as the UI
// (main/services/label-service.ts), one transaction per command.
import { ContractError } from '../../../core/contract/errors.js';
import * as schemas from '../../../core/contract/schemas.js';
import type { LabelSet } from '../../../core/contract/types.js';
import type { z } from 'zod';
import { LabelService } from '../../services/label-service.js';
import { UsageError, openStore, parse, pickProject, type Command } from '../cli-support.js';

const usage = `usage: workbench labels <db> [--project NAME] [--json] <action>

  list                                  the labels (colour, shortcut, entities) and the model label mapping
  add NAME [--colour #hex] [--shortcut k]
  rename OLD NEW                        rewrites the current annotations as new revisions (history is kept)
  merge FROM... INTO                    every FROM label becomes INTO, in the annotations as well
  delete NAME [--force]                 refused while annotations use NAME, unless --force (they are removed)
  recolour NAME #hex
  shortcut NAME KEY|none
  map MODEL_LABEL PROJECT_LABEL [--model NAME]   suggestions labelled MODEL_LABEL are stored as PROJECT_LABEL
  unmap MODEL_LABEL [--model NAME]

Label names: any characters but control characters, spaces only single and inside the name (quote it:
"triệu chứng bệnh"), at most 64; at most 50 labels per project. Formats whose syntax a space would break (CoNLL
tags, brat, inline tags) write a spaced name escaped: space as %20, % as %25 (docs/formats.md).
Without --model a mapping holds for every model. A rename or merge also maps the old name onto the new one, so
pending suggestions with the old name are shown and accepted under the new one.`;

const ACTIONS: Record<string, { min: number; max: number }> = {
  list: { min: 0, max: 0 },
  add: { min: 1, max: 1 },
  rename: { min: 2, max: 2 },
  merge: { min: 2, max: 51 },
  delete: { min: 1, max: 1 },
  recolour: { min: 2, max: 2 },
  recolor: { min: 2, max: 2 },
  shortcut: { min: 2, max: 2 },
  map: { min: 2, max: 2 },
  unmap: { min: 1, max: 1 },
};

/** Validates as the contract does, so the CLI refuses exactly what the UI's service refuses, naming the field. */
function check<S extends z.ZodType>(schema: S, value: unknown, action: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join('.');
  throw new ContractError('invalid', `${action}: ${field || 'parameters'}: ${issue.message}`, field || undefined);
}

function print(set: LabelSet): void {
  const width = Math.max(4, ...set.labels.map((l) => [...l.name].length));
  for (const l of set.labels) console.log(`${l.name.padEnd(width)}  ${l.colour}  ${l.shortcut ?? '-'}  ${l.entities}`);
  for (const m of set.mappings)
    console.log(`map ${m.model === '*' ? '(any model)' : m.model}: ${m.modelLabel} → ${m.projectLabel}`);
}

export const labelsCommand: Command = {
  name: 'labels',
  summary: "list or change a project's labels (add, rename, merge, delete, recolour, map a model's labels)",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      {
        project: { type: 'string' },
        json: { type: 'boolean' },
        colour: { type: 'string' },
        color: { type: 'string' },
        shortcut: { type: 'string' },
        force: { type: 'boolean' },
        model: { type: 'string' },
      },
      usage,
    );
    const [dbPath, action = 'list', ...names] = rest;
    if (dbPath === undefined) throw new UsageError('missing <db>', usage);
    const arity = ACTIONS[action];
    if (!arity) throw new UsageError(`unknown action "${action}" (one of ${Object.keys(ACTIONS).join(', ')})`, usage);
    if (names.length < arity.min || names.length > arity.max)
      throw new UsageError(
        `${action} takes ${arity.min === arity.max ? arity.min : `${arity.min} or more`} argument${arity.max === 1 ? '' : 's'}`,
        usage,
      );
    const store = openStore(dbPath);
    try {
      const projectId = pickProject(store, values.project).id;
      const service = new LabelService(store, 'cli');
      let set: LabelSet;
      let said = '';
      try {
        switch (action) {
          case 'list':
            set = service.list(projectId);
            break;
          case 'add': {
            const colour = values.colour ?? values.color;
            set = service.add(
              check(
                schemas.addLabelSchema,
                {
                  projectId,
                  name: names[0],
                  ...(colour ? { colour } : {}),
                  ...(values.shortcut ? { shortcut: values.shortcut } : {}),
                },
                action,
              ),
            );
            said = `added ${names[0]}`;
            break;
          }
          case 'rename': {
            const change = service.rename(
              check(schemas.renameLabelSchema, { projectId, from: names[0], to: names[1] }, action),
            );
            set = change;
            said = `renamed ${names[0]} → ${names[1]}: ${change.entities} entities in ${change.documents} documents (new revisions)`;
            break;
          }
          case 'merge': {
            const into = names[names.length - 1];
            const change = service.merge(
              check(schemas.mergeLabelsSchema, { projectId, from: names.slice(0, -1), into }, action),
            );
            set = change;
            said = `merged ${names.slice(0, -1).join(', ')} → ${into}: ${change.entities} entities in ${change.documents} documents (new revisions)`;
            break;
          }
          case 'delete': {
            const change = service.delete(
              check(schemas.deleteLabelSchema, { projectId, name: names[0], force: values.force ?? false }, action),
            );
            set = change;
            said = `deleted ${names[0]}${change.entities > 0 ? `: ${change.entities} entities removed from ${change.documents} documents (new revisions)` : ''}`;
            break;
          }
          case 'recolour':
          case 'recolor':
            set = service.update(
              check(schemas.updateLabelSchema, { projectId, name: names[0], colour: names[1] }, action),
            );
            said = `${names[0]} is now ${names[1]}`;
            break;
          case 'shortcut':
            set = service.update(
              check(
                schemas.updateLabelSchema,
                { projectId, name: names[0], shortcut: names[1] === 'none' ? null : names[1] },
                action,
              ),
            );
            said = `${names[0]}'s shortcut is now ${names[1]}`;
            break;
          case 'map':
          case 'unmap': {
            const projectLabel = action === 'map' ? names[1] : null;
            set = service.map(
              check(
                schemas.mapLabelSchema,
                { projectId, ...(values.model ? { model: values.model } : {}), modelLabel: names[0], projectLabel },
                action,
              ),
            );
            said = `${values.model ?? 'any model'}: ${names[0]} ${projectLabel === null ? 'is no longer mapped' : `→ ${projectLabel}`}`;
            break;
          }
          default:
            throw new UsageError(`unknown action "${action}"`, usage);
        }
      } catch (error) {
        if (error instanceof ContractError) {
          const hint = error.code === 'conflict' && action === 'delete' ? ' (add --force to delete them)' : '';
          console.error(`workbench labels: ${error.message}${hint}`);
          return 1;
        }
        throw error;
      }
      if (values.json) console.log(JSON.stringify(set, null, 2));
      else {
        if (said) console.log(said);
        else print(set);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
