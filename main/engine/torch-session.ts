// The PyTorch backend: a Python worker process (training/dnw/dream/torch_worker.py) that loads a Dream/Qwen2 checkpoint and
// serves forwards of the graph contract over its stdin/stdout; the sampler stays in TypeScript. Framing, both ways:
// u32 LE header length | u32 LE payload length | header JSON | raw little-endian arrays (the header lists them).
// Nothing here imports onnxruntime-node.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { PytorchSpec } from '../../core/model-package/manifest.js';
import type { BatchInputs, ForwardFn, HeadOutputs, HeadScalars } from '../../core/sampler/head-outputs.js';
import { findPython, PythonEnvError } from '../training/python-env.js';
import { DeviceError, type DeviceChoice, type OpenedBackend, type RunStats } from './backend.js';

export const TORCH_SETUP_HINT =
  'install it with `npm run setup:python` (torch, transformers, safetensors and the training package dnw), or point $WORKBENCH_PYTHON at a Python that has them';

export interface TorchOptions {
  device: DeviceChoice;
  /** torch CPU threads (0 or absent: torch's default). */
  threads?: number;
  /** Seconds a close may take before the worker is killed (default 5). */
  closeGraceSeconds?: number;
}

/** The worker's hello: what it loaded and where. */
export interface TorchHello {
  device: 'cuda' | 'cpu';
  dtype: string;
  torch: string;
  cuda: string | null;
  attention: string;
  randomInit: boolean;
  topK: number;
  vocab: number;
  parameters: number;
  layers: number;
  hidden: number;
  loadSeconds: number;
  pid: number;
  fallbackReason?: string;
  gpu?: string;
  gpuMemoryTotal?: number;
  gpuMemoryAllocated?: number;
  gpuMemoryPeak?: number;
}

/** The PyTorch backend cannot run: no Python or torch, a checkpoint it cannot load, a worker that died. */
export class TorchBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TorchBackendError';
  }
}

type ArrayDtype = 'int32' | 'float32';
interface Frame {
  header: Record<string, unknown> & { type: string; id?: number; arrays?: [string, ArrayDtype, number[]][] };
  arrays: Map<string, Int32Array | Float32Array>;
}

/** One frame's bytes. */
export function encodeFrame(
  header: Record<string, unknown>,
  arrays: [string, Int32Array | Float32Array, number[]][] = [],
): Buffer {
  const full =
    arrays.length === 0
      ? header
      : {
          ...header,
          arrays: arrays.map(([name, data, shape]) => [name, data instanceof Int32Array ? 'int32' : 'float32', shape]),
        };
  const head = Buffer.from(JSON.stringify(full));
  const payload = arrays.reduce((n, [, data]) => n + data.byteLength, 0);
  const out = Buffer.allocUnsafe(8 + head.length + payload);
  out.writeUInt32LE(head.length, 0);
  out.writeUInt32LE(payload, 4);
  head.copy(out, 8);
  let offset = 8 + head.length;
  for (const [, data] of arrays) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return out;
}

/** Splits a byte stream into frames; chunks are joined only once a whole frame is there. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private have = 0;

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.have += chunk.length;
    for (;;) {
      if (this.have < 8) return;
      const first = this.peek(8);
      const headLength = first.readUInt32LE(0);
      const total = 8 + headLength + first.readUInt32LE(4);
      if (this.have < total) return;
      const bytes = this.take(total);
      const header = JSON.parse(bytes.subarray(8, 8 + headLength).toString('utf8')) as Frame['header'];
      // A fresh, 0-aligned copy of the payload: typed-array views need 4-byte alignment.
      const payload = new Uint8Array(bytes.subarray(8 + headLength)).buffer;
      const arrays = new Map<string, Int32Array | Float32Array>();
      let offset = 0;
      for (const [name, dtype, shape] of header.arrays ?? []) {
        const n = shape.reduce((a, b) => a * b, 1);
        arrays.set(name, dtype === 'int32' ? new Int32Array(payload, offset, n) : new Float32Array(payload, offset, n));
        offset += 4 * n;
      }
      this.onFrame({ header, arrays });
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.have = rest.length;
    return all.subarray(0, n);
  }
}

interface Pending {
  resolve: (frame: Frame) => void;
  reject: (error: Error) => void;
}

const STDERR_KEEP = 4000;

/** A running worker: one model on one device. */
export class TorchSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stderr = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exit: Promise<void>;
  private helloWaiter: Pending | undefined;
  hello: TorchHello | undefined;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    private readonly graceSeconds: number,
  ) {
    const reader = new FrameReader((frame) => this.receive(frame));
    child.stdout.on('data', (chunk: Buffer) => reader.push(chunk));
    child.stderr.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP)),
    );
    child.stdin.on('error', () => undefined); // EPIPE after the worker died: its exit says what happened
    this.exit = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        this.exited = { code, signal };
        const error = new TorchBackendError(
          `the PyTorch worker exited (${signal ? `signal ${signal}` : `code ${code}`})${this.stderrTail()}`,
        );
        this.helloWaiter?.reject(error);
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
        resolve();
      }),
    );
  }

  /** Starts the worker on `checkpoint` and waits for its hello; throws DeviceError or TorchBackendError. */
  static async start(
    checkpoint: string,
    spec: PytorchSpec,
    topK: number,
    options: TorchOptions,
  ): Promise<TorchSession> {
    let python: ReturnType<typeof findPython>;
    try {
      python = findPython();
    } catch (error) {
      if (!(error instanceof PythonEnvError)) throw error;
      throw new TorchBackendError(
        `the PyTorch backend needs Python with torch and the training package (dnw); none found (tried ${error.tried.join(', ')}): ${TORCH_SETUP_HINT}`,
      );
    }
    const args = [
      '-m',
      'dnw.dream.torch_worker',
      '--checkpoint',
      checkpoint,
      '--device',
      options.device,
      '--top-k',
      String(topK),
      '--dtype',
      spec.dtype ?? 'auto',
      '--attention',
      spec.attention ?? 'sdpa',
      ...(options.threads ? ['--threads', String(options.threads)] : []),
      ...(spec.randomInit ? ['--random-init'] : []),
    ];
    const child = await new Promise<ChildProcessByStdio<Writable, Readable, Readable>>((resolve, reject) => {
      const c = spawn(python.python, args, { env: python.env, stdio: ['pipe', 'pipe', 'pipe'] });
      c.once('spawn', () => resolve(c));
      c.once('error', (error) =>
        reject(new TorchBackendError(`cannot start ${python.python}: ${error.message}: ${TORCH_SETUP_HINT}`)),
      );
    });
    const session = new TorchSession(child, options.closeGraceSeconds ?? 5);
    const frame = await new Promise<Frame>((resolve, reject) => {
      session.helloWaiter = { resolve, reject };
      if (session.exited)
        reject(new TorchBackendError(`the PyTorch worker exited before it answered${session.stderrTail()}`));
    }).catch(async (error: unknown) => {
      session.kill();
      throw error;
    });
    session.helloWaiter = undefined;
    if (frame.header.type === 'error') {
      const message = String(frame.header.message);
      await session.close();
      if (frame.header.kind === 'device')
        throw new DeviceError(`${message}. Choose device 'auto' or 'cpu', or install a CUDA-enabled torch.`);
      if (frame.header.kind === 'dependency') throw new TorchBackendError(message);
      throw new TorchBackendError(`the PyTorch worker cannot load ${checkpoint}: ${message}`);
    }
    session.hello = frame.header as unknown as TorchHello;
    return session;
  }

  private stderrTail(): string {
    const lines = this.stderr.trim().split('\n').slice(-6).join('\n  ');
    return lines ? `:\n  ${lines}` : '';
  }

  private receive(frame: Frame): void {
    if (this.helloWaiter && (frame.header.type === 'hello' || frame.header.id === undefined)) {
      this.helloWaiter.resolve(frame);
      return;
    }
    const id = frame.header.id;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) {
      // A fatal frame outside a request (a malformed frame of ours): everything waiting fails with it.
      const error = new TorchBackendError(`the PyTorch worker: ${String(frame.header.message ?? frame.header.type)}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      return;
    }
    this.pending.delete(id);
    if (frame.header.type === 'error')
      pending.reject(new TorchBackendError(`the PyTorch worker failed a forward: ${String(frame.header.message)}`));
    else pending.resolve(frame);
  }

  private request(
    header: Record<string, unknown>,
    arrays: [string, Int32Array | Float32Array, number[]][] = [],
  ): Promise<Frame> {
    if (this.exited) return Promise.reject(new TorchBackendError(`the PyTorch worker has exited${this.stderrTail()}`));
    const id = this.nextId++;
    return new Promise<Frame>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(encodeFrame({ ...header, id }, arrays));
    });
  }

  /** The sampler's forward over this worker. */
  forward(inputs: BatchInputs, scalars: HeadScalars): Promise<HeadOutputs> {
    const dims = [inputs.batch, inputs.seq];
    return this.request(
      {
        type: 'forward',
        batch: inputs.batch,
        seq: inputs.seq,
        temperature: scalars.temperature,
        top_p: scalars.topP,
        top_k: scalars.topK,
      },
      [
        ['input_ids', inputs.inputIds, dims],
        ['attention_mask', inputs.attentionMask, dims],
        ['position_ids', inputs.positionIds, dims],
      ],
    ).then((frame) => {
      const ids = frame.arrays.get('topk_ids');
      const probs = frame.arrays.get('topk_probs');
      const entropy = frame.arrays.get('neg_entropy');
      const k = this.hello?.topK ?? 0;
      const n = inputs.batch * inputs.seq;
      if (
        !(ids instanceof Int32Array) ||
        !(probs instanceof Float32Array) ||
        !(entropy instanceof Float32Array) ||
        ids.length !== n * k ||
        probs.length !== n * k ||
        entropy.length !== n
      ) {
        throw new TorchBackendError(
          `the PyTorch worker answered arrays of the wrong shape for [${inputs.batch}, ${inputs.seq}, ${k}]`,
        );
      }
      return { batch: inputs.batch, seq: inputs.seq, k, topkIds: ids, topkProbs: probs, negEntropy: entropy };
    });
  }

  /** The worker's counters and GPU memory (allocated, peak, reserved). */
  async stats(): Promise<Record<string, unknown>> {
    const { header } = await this.request({ type: 'stats' });
    const { type: _type, id: _id, ...rest } = header;
    return rest;
  }

  /** Asks the worker to exit; kills it when it has not within the grace period (a forward still running on the GPU). */
  async close(): Promise<void> {
    if (this.exited) return;
    this.child.stdin.write(encodeFrame({ type: 'close' }));
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), this.graceSeconds * 1000);
    await this.exit;
    clearTimeout(timer);
  }

  /** Ends the worker now. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** `hello` in words: GPU, dtype, versions. */
export function describeRuntime(hello: TorchHello): string {
  const gib = (n: number) => `${(n / 1024 ** 3).toFixed(0)} GiB`;
  const where = hello.gpu ? `${hello.gpu}${hello.gpuMemoryTotal ? ` (${gib(hello.gpuMemoryTotal)})` : ''}` : 'CPU';
  return `PyTorch ${hello.torch}${hello.cuda ? `, CUDA ${hello.cuda}` : ''} on ${where}, ${hello.dtype}, ${hello.attention} attention${hello.randomInit ? ', RANDOM weights' : ''}`;
}

/** Opens the PyTorch backend for a package's checkpoint. */
export async function openTorchBackend(
  checkpoint: string,
  spec: PytorchSpec,
  topK: number,
  options: TorchOptions,
  stats: RunStats,
): Promise<OpenedBackend & { session: TorchSession }> {
  const session = await TorchSession.start(checkpoint, spec, topK, options);
  const hello = session.hello!;
  const forward: ForwardFn = async (inputs, scalars) => {
    const started = performance.now();
    const out = await session.forward(inputs, scalars);
    stats.runs++;
    stats.runMs += performance.now() - started;
    stats.rows += inputs.batch;
    return out;
  };
  return {
    backend: 'pytorch',
    device: hello.device,
    ...(hello.fallbackReason ? { fallbackReason: hello.fallbackReason } : {}),
    runtime: describeRuntime(hello),
    forward,
    stats: () => session.stats(),
    release: () => session.close(),
    session,
  };
}
