// The ONNX Runtime session: device choice with a CPU fallback whose reason the UI can show, a check that the graph
// honours the contract of docs/model-package.md, and the forward function the sampler drives.

import * as ort from 'onnxruntime-node';
import { basename } from 'node:path';
import type { ModelManifest } from '../../core/model-package/manifest.js';
import type { BatchInputs, ForwardFn, HeadOutputs, HeadScalars } from '../../core/sampler/head-outputs.js';
import { DeviceError, GraphContractError, type DeviceChoice, type RunStats } from './backend.js';

// Shared with the PyTorch backend; re-exported for the modules and tests that import them from here.
export {
  addRuns,
  DeviceError,
  GraphContractError,
  noRuns,
  runsSince,
  type DeviceChoice,
  type RunStats,
} from './backend.js';
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionOptions {
  device: DeviceChoice;
  /** Threads inside one operator (0 = onnxruntime's default: one per core). */
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /**
   * Let onnxruntime's idle threads spin-wait for the next run (default false). Between two runs the engine's own
   * JavaScript works; spinning threads would only compete with it and the UI for the cores (measured in
   * bench/RESULTS.md: more CPU for the same throughput).
   */
  allowSpinning?: boolean;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  device: 'cuda' | 'cpu';
  /** Why 'auto' ended up on the CPU (for the UI); absent when it got what it asked for. */
  fallbackReason?: string;
}

const CONTRACT_INPUTS: [string, string, number][] = [
  ['input_ids', 'int64', 2],
  ['attention_mask', 'int64', 2],
  ['position_ids', 'int64', 2],
  ['temperature', 'float32', 1],
  ['top_p', 'float32', 1],
  ['top_k', 'int64', 1],
];
const CONTRACT_OUTPUTS: [string, string, number][] = [
  ['topk_ids', 'int64', 3],
  ['topk_probs', 'float32', 3],
  ['neg_entropy', 'float32', 2],
];

function sessionOptions(options: SessionOptions, provider: 'cuda' | 'cpu'): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.interOpThreads ? { interOpNumThreads: options.interOpThreads } : {}),
    // A missing CUDA library is reported through fallbackReason/DeviceError, not onnxruntime's console.
    logSeverityLevel: provider === 'cuda' ? 4 : 3,
    extra: {
      session: {
        intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' },
        inter_op: { allow_spinning: options.allowSpinning ? '1' : '0' },
      },
    },
  };
}

// onnxruntime's own console logger would print every failed CUDA probe as an error line; the engine reports
// failures itself (fallbackReason, DeviceError, PackageError), so only fatal messages reach the console.
ort.env.logLevel = 'fatal';

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Opens the graph on the chosen device; 'auto' tries CUDA first and falls back to the CPU, keeping the reason. */
export async function openSession(
  graphPath: string,
  manifest: ModelManifest,
  options: SessionOptions,
): Promise<OpenedSession> {
  let opened: OpenedSession | undefined;
  if (options.device !== 'cpu') {
    try {
      opened = {
        session: await ort.InferenceSession.create(graphPath, sessionOptions(options, 'cuda')),
        device: 'cuda',
      };
    } catch (error) {
      if (options.device === 'cuda') {
        throw new DeviceError(
          `device 'cuda' was asked for but the CUDA execution provider cannot be used: ${reasonOf(error)}. Install it with \`npm run install-cuda\` (CUDA 12 + cuDNN 9), or choose device 'auto' or 'cpu'.`,
        );
      }
      opened = {
        ...(await openCpu(graphPath, options)),
        fallbackReason: `CUDA unavailable, running on the CPU: ${reasonOf(error)}`,
      };
    }
  } else {
    opened = await openCpu(graphPath, options);
  }
  const problems = checkContract(opened.session, manifest);
  if (problems.length > 0) {
    await opened.session.release();
    throw new GraphContractError(basename(graphPath), problems);
  }
  return opened;
}

async function openCpu(graphPath: string, options: SessionOptions): Promise<OpenedSession> {
  return { session: await ort.InferenceSession.create(graphPath, sessionOptions(options, 'cpu')), device: 'cpu' };
}

/** Every way the session's inputs and outputs differ from the contract (names, element types, ranks, K). */
export function checkContract(session: ort.InferenceSession, manifest: ModelManifest): string[] {
  const problems: string[] = [];
  const check = (
    kind: string,
    metadata: readonly ort.InferenceSession.ValueMetadata[],
    expected: [string, string, number][],
  ) => {
    const byName = new Map(metadata.map((m) => [m.name, m]));
    for (const [name, type, rank] of expected) {
      const m = byName.get(name);
      if (!m) {
        problems.push(
          `${kind} '${name}' is missing (the graph has ${metadata.map((x) => `'${x.name}'`).join(', ') || 'none'})`,
        );
      } else if (!m.isTensor || m.type !== type) {
        problems.push(`${kind} '${name}' is ${m.isTensor ? m.type : 'not a tensor'}, expected ${type}`);
      } else if (m.shape.length !== rank) {
        problems.push(`${kind} '${name}' has rank ${m.shape.length}, expected ${rank}`);
      } else if (name.startsWith('topk_') && typeof m.shape[2] === 'number' && m.shape[2] !== manifest.head.topK) {
        problems.push(
          `${kind} '${name}' returns ${m.shape[2]} candidates per position but manifest head.topK is ${manifest.head.topK}`,
        );
      }
    }
    for (const m of metadata)
      if (!expected.some(([name]) => name === m.name)) problems.push(`${kind} '${m.name}' is not part of the contract`);
  };
  check('input', session.inputMetadata, CONTRACT_INPUTS);
  check('output', session.outputMetadata, CONTRACT_OUTPUTS);
  return problems;
}

// int32 <-> int64 through the 32-bit halves of each int64 (little-endian: low word first), so no BigInt is made per
// element: BigInt64Array.from(data, BigInt) and back cost more than the rest of a step's JavaScript together.
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** `data` widened to an int64 tensor of shape `dims`. */
export function int64Tensor(data: Int32Array, dims: number[]): ort.Tensor {
  const out = new BigInt64Array(data.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < data.length; i++) out[i] = BigInt(data[i]);
  } else {
    const words = new Int32Array(out.buffer);
    for (let i = 0; i < data.length; i++) {
      words[2 * i] = data[i];
      words[2 * i + 1] = data[i] >> 31; // sign extension
    }
  }
  return new ort.Tensor('int64', out, dims);
}

/** int64 values narrowed to int32 (token ids: they fit). */
export function narrowInt64(data: BigInt64Array): Int32Array {
  const out = new Int32Array(data.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  } else {
    const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
    for (let i = 0; i < out.length; i++) out[i] = words[2 * i];
  }
  return out;
}

/** The sampler's forward over `session`: int32 arrays in, the head's outputs out (ids narrowed to int32). */
export function makeForward(session: ort.InferenceSession, topK: number, stats?: RunStats): ForwardFn {
  return async (inputs: BatchInputs, scalars: HeadScalars): Promise<HeadOutputs> => {
    const dims = [inputs.batch, inputs.seq];
    const feeds = {
      input_ids: int64Tensor(inputs.inputIds, dims),
      attention_mask: int64Tensor(inputs.attentionMask, dims),
      position_ids: int64Tensor(inputs.positionIds, dims),
      temperature: new ort.Tensor('float32', Float32Array.of(scalars.temperature), [1]),
      top_p: new ort.Tensor('float32', Float32Array.of(scalars.topP), [1]),
      top_k: new ort.Tensor('int64', BigInt64Array.of(BigInt(scalars.topK)), [1]),
    };
    const started = performance.now();
    const out = await session.run(feeds);
    if (stats) {
      stats.runs++;
      stats.runMs += performance.now() - started;
      stats.rows += inputs.batch;
    }
    const ids = out.topk_ids;
    const k = ids.dims[2];
    if (k !== topK || ids.dims[0] !== inputs.batch || ids.dims[1] !== inputs.seq) {
      throw new GraphContractError('graph', [
        `topk_ids came back with shape [${ids.dims.join(', ')}], expected [${inputs.batch}, ${inputs.seq}, ${topK}]`,
      ]);
    }
    return {
      batch: inputs.batch,
      seq: inputs.seq,
      k,
      topkIds: narrowInt64(ids.data as BigInt64Array),
      topkProbs: out.topk_probs.data as Float32Array,
      negEntropy: out.neg_entropy.data as Float32Array,
    };
  };
}
