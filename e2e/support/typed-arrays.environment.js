// Jest's node environment with the process's own typed array constructors. Native addons (ONNX
// Runtime's) make their typed arrays in the process's realm; the `instanceof Float32Array` checks of
// the JavaScript around them run in the test's realm and would refuse them.
const { TestEnvironment } = require('jest-environment-node');

class TypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['ArrayBuffer', 'Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray']) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = TypedArraysEnvironment;
