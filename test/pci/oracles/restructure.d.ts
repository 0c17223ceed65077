// Just enough typing of restructure (it ships none) for the oracle declarations.
declare module 'restructure' {
  export interface RType<T = any> {
    fromBuffer(buffer: Uint8Array): T;
    toBuffer(value: T): Uint8Array;
    size(value?: T): number;
  }
  export class Struct<T = any> implements RType<T> {
    constructor(fields: Record<string, RType>);
    fromBuffer(buffer: Uint8Array): T;
    toBuffer(value: T): Uint8Array;
    size(value?: T): number;
  }
  class RArray<T = any> implements RType<T[]> {
    constructor(type: RType<T>, length: number);
    fromBuffer(buffer: Uint8Array): T[];
    toBuffer(value: T[]): Uint8Array;
    size(value?: T[]): number;
  }
  export { RArray as Array };
  export const uint8: RType<number>;
  export const uint16le: RType<number>;
  export const uint32le: RType<number>;
}
