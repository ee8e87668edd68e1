export * from "./data/format.ts";
export { spriteOf } from "./data/sprites.ts";
export {
  type Batch,
  type BatchOptions,
  Dataset,
  DatasetError,
  type DatasetInput,
  datasetsRoot,
  georHome,
  listDatasets,
  resolveDatasetDir,
  writeDataset,
} from "./data/store.ts";
export { hash32, hashUnit, mulberry32, seededPermutation } from "./util/random.ts";
