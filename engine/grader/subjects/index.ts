// The conformance subjects by name, as exercise.yaml names them (`subject: bit-allocator`).
import type { Subject } from '../Conformance';
import { bitAllocatorSubject } from './bitAllocator';
import { splitAllocatorSubject } from './splitAllocator';
import { bubbleAllocatorSubject } from './bubbleAllocator';
import { poolAllocatorSubject } from './poolAllocator';
import { pageTablesSubject } from './pageTables';
import { forkCowSubject } from './forkCow';

export const subjects: Record<string, Subject> = {
  [bitAllocatorSubject.name]: bitAllocatorSubject,
  [splitAllocatorSubject.name]: splitAllocatorSubject,
  [bubbleAllocatorSubject.name]: bubbleAllocatorSubject,
  [poolAllocatorSubject.name]: poolAllocatorSubject,
  [pageTablesSubject.name]: pageTablesSubject,
  [forkCowSubject.name]: forkCowSubject,
};

export { bitAllocatorSubject };
