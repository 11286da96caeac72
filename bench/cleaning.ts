import { spawn } from 'node:child_process';
import { fileBytes, type SampleType, samplePath, sampleSpecs } from './attachment-samples';
import { ROOT } from './support';

export interface CleaningSide {
  /** Median of the timed runs. */
  ms: number;
  msPerMB: number;
  peakRssMB: number;
}

export interface CleaningPoint {
  type: SampleType;
  label: string;
  /** The sample's size (MB = 10^6 bytes, as sizeWords shows them) and its clean copy's. */
  inputMB: number;
  outputMB: number;
  runs: number;
  clean: CleaningSide;
  reference: CleaningSide;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function child(mode: 'clean' | 'reference', type: SampleType, file: string, runs: number) {
  return new Promise<{ times: number[]; outBytes: number; peakRssMB: number }>((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/cleaning-child.ts', mode, type, file, String(runs)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    proc.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@bench '));
      if (code !== 0 || !line)
        reject(new Error(`${mode} ${type} ${file} failed (${code}): ${err.slice(0, 1500)}`));
      else resolve(JSON.parse(line.slice('@@bench '.length)));
    });
  });
}

/**
 * Cleaning time per MB and peak RSS for each type at a few sizes, each next to its reference
 * (bench/cleaning-child.ts), each side in fresh processes, the two sides interleaved.
 */
export async function cleaningBench(runs: number, quick = false, log: (m: string) => void = () => {}) {
  const points: CleaningPoint[] = [];
  for (const spec of sampleSpecs(quick)) {
    const file = await samplePath(spec);
    const inputMB = fileBytes(file) / 1e6;
    log(`cleaning ${spec.type} ${spec.label} (${inputMB.toFixed(1)} MB)`);
    const c = await child('clean', spec.type, file, runs);
    const r = await child('reference', spec.type, file, runs);
    const side = (x: { times: number[]; peakRssMB: number }): CleaningSide => {
      const ms = median(x.times);
      return { ms, msPerMB: ms / inputMB, peakRssMB: x.peakRssMB };
    };
    points.push({
      type: spec.type,
      label: spec.label,
      inputMB,
      outputMB: c.outBytes / 1e6,
      runs,
      clean: side(c),
      reference: side(r),
    });
  }
  return points;
}
