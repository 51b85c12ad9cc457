// Writes N sequences of standard normal values shaped (N, T, F) as a float32 .npy, seeded, so that
// every engine in the comparison reads the same file. No dependencies.
// usage: node make-data.mjs OUT.npy N T F
import { openSync, writeSync, closeSync } from 'node:fs';

const [out, n, t, f] = [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5]];
let state = 0x2545f491;
function uniform() {
  // xorshift32: fast and deterministic
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return (state + 0.5) / 4294967296;
}
function gaussian() {
  return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${t}, ${f}), }`;
const pad = 64 - ((10 + dict.length + 1) % 64);
const header = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]),
  Buffer.from(new Uint16Array([dict.length + pad + 1]).buffer), Buffer.from(dict + ' '.repeat(pad % 64) + '\n')]);
const fd = openSync(out, 'w');
writeSync(fd, header);
const chunk = new Float32Array(65536 * t * f);
for (let done = 0; done < n; done += 65536) {
  const m = Math.min(65536, n - done) * t * f;
  for (let i = 0; i < m; i++) chunk[i] = gaussian();
  writeSync(fd, Buffer.from(chunk.buffer, 0, m * 4));
}
closeSync(fd);
