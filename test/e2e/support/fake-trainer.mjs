// A stand-in for `python -m dnw.package.finetune_package` in end-to-end tests of the fine-tune UI: it speaks the trainer's
// protocol (JSON lines on stdout: start, step with loss, phase, done; docs/training.md) in about a second and
// "trains" nothing: the new package is a copy of the base with the requested version. Reached through
// $WORKBENCH_PYTHON (a wrapper script runs it), so `-c 'import dnw.package.finetune_package'` (the environment probe) must
// succeed too. FAKE_TRAINER_GATE names a file: after the first step the run waits until it exists, so a test can
// cancel a run that is certainly still training. Node only, no TypeScript: it runs outside the test's loader.
import { cpSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

const args = process.argv.slice(2);
if (args[0] === '-c') process.exit(0); // the probe: "import dnw.package.finetune_package" works here
if (args[0] !== '-m' || args[1] !== 'dnw.package.finetune_package') {
  console.error(`fake trainer: unexpected arguments ${args.join(' ')}`);
  process.exit(2);
}
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const base = option('--base');
const out = option('--out');
const train = option('--train');
const steps = 5;
const examples = readFileSync(train, 'utf8').split('\n').filter(Boolean).length;
const started = Date.now();

emit({ event: 'start', examples, steps });
for (let step = 1; step <= steps; step++) {
  await pause(40);
  emit({ event: 'step', step, steps, loss: 2 / (step + 1), elapsed: (Date.now() - started) / 1000 });
  const gate = process.env.FAKE_TRAINER_GATE;
  while (step === 1 && gate && !existsSync(gate)) await pause(50);
}
emit({ event: 'phase', phase: 'export' });
const hidden = join(dirname(out), `.${basename(out)}.partial`);
cpSync(base, hidden, { recursive: true });
const manifest = JSON.parse(readFileSync(join(hidden, 'manifest.json'), 'utf8'));
manifest.version = option('--version') ?? `${manifest.version}-ft`;
// `--labels` (a model for the project's own labels): the package outputs them, and the active model (`--compare`)
// scores what FAKE_TRAINER_COMPARE (a file) says, 0.25 without one; FAKE_TRAINER_SEEN (a file) holds how many held-out
// documents the models trained on.
const labelFile = option('--labels');
if (labelFile) manifest.output.labels = JSON.parse(readFileSync(labelFile, 'utf8')).labels;
if (option('--name')) manifest.name = option('--name');
writeFileSync(join(hidden, 'manifest.json'), JSON.stringify(manifest, null, 2));
renameSync(hidden, out);
if (option('--heldout')) emit({ event: 'phase', phase: 'evaluate' });
const compareFile = process.env.FAKE_TRAINER_COMPARE;
const compare = option('--compare')
  ? { package: 'active', f1: compareFile && existsSync(compareFile) ? Number(readFileSync(compareFile, 'utf8')) : 0.25 }
  : undefined;
const seenFile = process.env.FAKE_TRAINER_SEEN;
const seen = seenFile && existsSync(seenFile) ? { heldout_seen: Number(readFileSync(seenFile, 'utf8')) } : {};
const metrics = labelFile
  ? { f1: 0.5, precision: 0.6, recall: 0.43, ...seen, ...(compare ? { compare } : {}) }
  : { heldout: { f1: 0.5, precision: 0.6, recall: 0.43 } };
emit({ event: 'done', package: out, metrics, seconds: (Date.now() - started) / 1000 });
