// Types of machines.mjs for the tests.
export interface GuestMachine {
  name: string;
  machine: 'pc' | 'q35';
  description: string;
  devices: string[];
}
export declare const GUEST_MACHINES: readonly GuestMachine[];
