// Types of the shaped inputs (shapes-input.mjs), for the tests in test/cli/.
export function tinySlot(i: number): string;
export function tinyFunction(i: number): string;
export function tinyFunctionsDump(n: number, chunkBytes?: number): Generator<string, void, undefined>;
export function tinyHexdumpImages(n: number, chunkBytes?: number): Generator<string, void, undefined>;
