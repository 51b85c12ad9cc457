// TensorFlow.js (pure-JS CPU backend) on the demo model: reads the Keras .h5 with h5wasm, builds
// the same layers, sets the file's weights, predicts on an .npy in batches of 1024 and writes the
// outputs as .npy. Needs @tensorflow/tfjs 4.22.0 and h5wasm 0.10.3 from npm (see run.sh).
// usage: node tfjs-predict.mjs MODEL.h5 X.npy Y.npy
import * as tf from '@tensorflow/tfjs';
import h5wasm from 'h5wasm/node';
import { readFileSync, writeFileSync } from 'node:fs';

const [modelPath, xPath, yPath] = process.argv.slice(2);
await h5wasm.ready;
const file = new h5wasm.File(modelPath, 'r');
const config = JSON.parse(file.attrs['model_config'].value);
const layers = config.config.layers.filter((l) => l.class_name !== 'InputLayer');
const weights = (name) => {
  const group = file.get(`model_weights/${name}`);
  return group.attrs['weight_names'].value.map((w) => {
    const d = file.get(`model_weights/${name}/${w}`);
    return tf.tensor(d.value, d.shape);
  });
};

function readNpy(path) {
  const buf = readFileSync(path);
  const len = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + len);
  const shape = header.match(/\(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  const data = new Float32Array(buf.buffer, buf.byteOffset + 10 + len, shape.reduce((a, b) => a * b, 1));
  return { shape, data };
}

const x = readNpy(xPath);
const model = tf.sequential();
for (const [i, l] of layers.entries()) {
  const c = l.config;
  const first = i === 0 ? { inputShape: x.shape.slice(1) } : {};
  if (l.class_name === 'SimpleRNN') {
    model.add(tf.layers.simpleRNN({ units: c.units, activation: c.activation, returnSequences: c.return_sequences, name: c.name, ...first }));
  } else if (l.class_name === 'Dense') {
    model.add(tf.layers.dense({ units: c.units, activation: c.activation, name: c.name, ...first }));
  } else {
    throw new Error(`layer ${l.class_name} is not in this script`);
  }
  model.getLayer(c.name).setWeights(weights(c.name));
}
const n = x.shape[0];
const perSample = x.data.length / n;
const units = model.outputs[0].shape[1];
const y = new Float32Array(n * units);
for (let start = 0; start < n; start += 65536) {
  const m = Math.min(65536, n - start);
  const input = tf.tensor(x.data.subarray(start * perSample, (start + m) * perSample), [m, ...x.shape.slice(1)]);
  const out = model.predict(input, { batchSize: 1024 });
  y.set(out.dataSync(), start * units);
  tf.dispose([input, out]);
}
const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${units}), }`;
const pad = 64 - ((10 + dict.length + 1) % 64);
const header = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]),
  Buffer.from(new Uint16Array([dict.length + pad + 1]).buffer), Buffer.from(dict + ' '.repeat(pad % 64) + '\n')]);
writeFileSync(yPath, Buffer.concat([header, Buffer.from(y.buffer)]));
