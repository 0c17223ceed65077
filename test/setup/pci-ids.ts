// Every test reads the project's few pci.ids entries (test/fixtures/pci.ids), never the
// machine's: output checked by the tests and docs must not change with the pci.ids version
// installed. Tests of the lookup itself set PCICFG_PCI_IDS or pass a file of their own.
import { fileURLToPath } from 'node:url';

process.env.PCICFG_PCI_IDS = fileURLToPath(new URL('../fixtures/pci.ids', import.meta.url));
