/** The core's MemoryStateStore held to the same StateStore contract as the Apps Script adapter. */
import { describeStateStoreContract } from '../contract/stateStoreContract';
import { MemoryStateStore } from '../fakes';

describeStateStoreContract('MemoryStateStore (core fake)', () => new MemoryStateStore());
