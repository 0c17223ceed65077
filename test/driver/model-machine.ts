// The model machine and the random virtio-blk descriptions live in the public arbitraries
// (src/arbitraries/model.ts); these are the names the driver tests use.
export {
  arbBlkDevice as randomDevice,
  expectedModelNotify as expectedNotify,
  MODEL_MACHINE_SLOT as SLOT,
  modelMachine,
  patternDisk,
  type DriverAsk,
  type ModelMachine,
  type RandomBlkDevice as RandomDevice,
} from '../../src/arbitraries/model.js';
