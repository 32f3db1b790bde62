// Memory: page access flags and the mapping descriptor (FreeNOS Memory.h).
// Flags are LSB-first: Readable is bit 0 (value 1), Device is bit 7 (value 128).

export namespace Memory {
  export enum Access {
    None = 0,
    Readable = 1 << 0,
    Writable = 1 << 1,
    Executable = 1 << 2,
    User = 1 << 3,
    Uncached = 1 << 4,
    InnerCached = 1 << 5,
    OuterCached = 1 << 6,
    Device = 1 << 7,
  }

  // FreeNOS spells these Memory::Readable and so on; the same names are here.
  export const None = Access.None;
  export const Readable = Access.Readable;
  export const Writable = Access.Writable;
  export const Executable = Access.Executable;
  export const User = Access.User;
  export const Uncached = Access.Uncached;
  export const InnerCached = Access.InnerCached;
  export const OuterCached = Access.OuterCached;
  export const Device = Access.Device;

  /** A mapping: `size` bytes at virtual `virt` backed by physical `phys`, with `access` flags. */
  export interface Range {
    virt: number;
    phys: number;
    size: number;
    access: number;
  }

  /** Names of the flags set in `access`, lowest bit first, e.g. ["Readable", "Writable", "User"]. */
  export function accessNames(access: number): string[] {
    const names: string[] = [];
    for (let bit = 1; bit <= Access.Device; bit <<= 1) if (access & bit) names.push(Access[bit]!);
    return names;
  }
}
