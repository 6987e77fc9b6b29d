import { UsageError, openStore, parse, pickProject, positionals, type Command, cliService } from '../cli-support.js';

const usage = `usage: workbench models <db> [--project NAME] [--activate ID] [--json]

Lists the model versions of a project (the embedded model and the versions fine-tuned on its documents) with their
held-out scores and the fine-tune runs; --activate ID makes that version the active one (restoring an earlier one).`;

export const modelsCommand: Command = {
  name: 'models',
  summary: "list a project's model versions and fine-tune runs; restore a version",
  usage,
  async run(args) {
    const { values, positionals: rest } = parse(
      args,
      { project: { type: 'string' }, activate: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    const [dbPath] = positionals(rest, ['db'], usage);
    const store = openStore(dbPath);
    // Only the registry is read: no model is loaded. The embedded model is found through the real engine's list.
    const { DiffusionEnginePort } = await import('../../engine/engine-port-adapter.js');
    const { embeddedModelDir } = await import('../../hosts/engine-loader.js');
    const engine = new DiffusionEnginePort({ embeddedDir: embeddedModelDir });
    const service = cliService(store, dbPath, engine);
    try {
      const projectId = pickProject(store, values.project).id;
      if (values.activate !== undefined) {
        const id = Number(values.activate);
        if (!Number.isInteger(id) || id < 1)
          throw new UsageError(`--activate takes a model id, not "${values.activate}"`, usage);
        await service['models.activate']({ modelId: id });
      }
      const info = await service['models.versions']({ projectId });
      if (values.json) {
        console.log(JSON.stringify(info, null, 2));
        return 0;
      }
      for (const v of info.versions) {
        const m = v.metrics;
        const score =
          m?.heldoutF1 === undefined
            ? ''
            : `  held-out F1 ${m.heldoutF1.toFixed(4)} (${m.trainDocs} train / ${m.heldoutDocs} held out)`;
        console.log(
          `${v.active ? '*' : ' '} ${String(v.id).padStart(3)}  ${v.name} ${v.version}${v.parentId ? `  from ${v.parentId}` : ''}${score}`,
        );
        // A model trained for the project's labels: against which active model it was scored, and the decision.
        if (m?.reason) console.log(`        ${m.activated ? 'made active' : 'not made active'}: ${m.reason}`);
      }
      for (const f of info.fineTunes)
        console.log(`  fine-tune ${f.id}: ${f.state}, ${f.trainDocs} documents${f.message ? ` (${f.message})` : ''}`);
      if (!info.trainer.available) console.log(`fine-tuning unavailable: ${info.trainer.reason}`);
      return 0;
    } finally {
      await service.close();
      store.close();
    }
  },
};
