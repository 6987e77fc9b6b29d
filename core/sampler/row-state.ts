// One row's place in the schedule: its canvas, its blocks, the step within the current block and its PRNG stream.

import { Xoshiro128 } from './rng.js';
import { linspaceF32 } from './schedule.js';
import type { SamplerSettings } from './settings.js';

export class RowState {
  /** Index of the first canvas position in the batch row. */
  readonly start: number;
  readonly canvas: number;
  readonly blockLength: number;
  readonly blocks: number;
  readonly stepsPerBlock: number;
  /** linspace(1, eps, stepsPerBlock + 1) in float32. */
  readonly times: Float32Array;
  readonly rng: Xoshiro128;
  block = 0;
  step = 0;
  /** Early-stopped: its output is final; it only keeps its share of the batch's mask count. */
  finished = false;

  constructor(start: number, canvas: number, settings: SamplerSettings, stream: number) {
    this.start = start;
    this.canvas = canvas;
    this.blockLength = settings.blockLength > 0 ? settings.blockLength : canvas;
    this.blocks = Math.max(1, Math.ceil(canvas / this.blockLength));
    // Steps are shared evenly among blocks (Dream-derived block samplers require steps % blocks == 0).
    this.stepsPerBlock = Math.max(1, Math.floor(settings.steps / this.blocks));
    this.times = linspaceF32(1, settings.eps, this.stepsPerBlock + 1);
    this.rng = new Xoshiro128(settings.seed, stream);
  }

  /** [from, to) of the current block in the batch row. */
  blockRange(): [number, number] {
    const from = this.start + this.block * this.blockLength;
    return [from, Math.min(from + this.blockLength, this.start + this.canvas)];
  }

  lastStep(): boolean {
    return this.step === this.stepsPerBlock - 1;
  }

  /** t and s of the current step. */
  t(): number {
    return this.times[this.step];
  }

  s(): number {
    return this.times[this.step + 1];
  }

  advance(): void {
    if (++this.step === this.stepsPerBlock) {
      this.step = 0;
      this.block++;
    }
  }

  /** Back to the first step of the first block, for another pass over the canvas (settings.recheck). */
  restart(): void {
    this.block = 0;
    this.step = 0;
    this.finished = false;
  }

  scheduled(): boolean {
    return this.block < this.blocks;
  }

  totalSteps(): number {
    return this.blocks * this.stepsPerBlock;
  }
}
