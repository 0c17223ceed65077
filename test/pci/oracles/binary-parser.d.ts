// binary-parser's ESM entry (.mjs) has no .d.mts beside it, so NodeNext resolution finds no
// types; point the module at the declarations it does ship.
declare module 'binary-parser' {
  export { Parser } from 'binary-parser/dist/esm/binary_parser.js';
}
