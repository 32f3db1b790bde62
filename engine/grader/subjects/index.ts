// The conformance subjects by name, as exercise.yaml names them (`subject: bit-allocator`).
import type { Subject } from '../Conformance';
import { bitAllocatorSubject } from './bitAllocator';

export const subjects: Record<string, Subject> = {
  [bitAllocatorSubject.name]: bitAllocatorSubject,
};

export { bitAllocatorSubject };
