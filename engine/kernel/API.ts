// API: system-call result codes, special process IDs and VMCtl operations (FreeNOS API/VMCtl.h,
// ProcessID.h), with FreeNOS's values. PageAllocator calls VMCtl MapSparse with these.

export namespace API {
  /** Result of a kernel API call. */
  export enum Result {
    Success = 0,
    AccessViolation = 1,
    RangeError = 2,
    NotFound = 3,
    InvalidArgument = 4,
    OutOfMemory = 5,
    IOError = 6,
    AlreadyExists = 7,
    TemporaryUnavailable = 8,
  }
}

/** Special process IDs. */
export const KERNEL_PID = 65533;
export const SELF = 65534;
export const ANY = 65535;

/** VMCtl operations, in declaration order. There is no plain "Map". */
export enum MemoryOperation {
  MapContiguous = 0,
  MapSparse = 1,
  UnMap = 2,
  Release = 3,
  ReleaseSections = 4,
  LookupVirtual = 5,
  Access = 6,
  ReserveMem = 7,
  AddMem = 8,
  CacheClean = 9,
  CacheInvalidate = 10,
  CacheCleanInvalidate = 11,
}
