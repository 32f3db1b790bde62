// VirtualMemory: one address space seen through the MMU, as a MemoryBus. Every access is
// translated (TLB, then a walk of the tables in RAM) and then done in physical memory, so
// faults, permissions and TLB counts are real. Accessing a space whose tables are not loaded
// loads them first, as running that process would. A failed translation is offered to onFault
// (the kernel's handler, e.g. copy-on-write); if it fixes nothing the access returns Fault.
import type { EventLog } from '../EventLog';
import { Fault, type AccessCounters, type MemoryBus } from './MemoryBus';
import type { AccessKind, MMU } from './MMU';
import type { PhysicalMemory } from './PhysicalMemory';

/** The kernel's page-fault handler: true when it fixed the mapping and the access should retry. */
export type FaultHandler = (virt: number, kind: AccessKind, fault: number) => boolean;

export interface VirtualMemoryOptions {
  /** User mode (true, the default) or kernel mode. */
  user?: boolean;
  log?: EventLog | null;
  onFault?: FaultHandler;
}

export class VirtualMemory implements MemoryBus {
  log: EventLog | null;
  readonly counters: AccessCounters = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0, faults: 0 };
  /** The most recent fault: where, what kind of access, and the PageFault (or Fault) value. */
  lastFault: { operation: string; address: number; size: number; fault: number } | null = null;
  readonly user: boolean;
  onFault: FaultHandler | null;

  /** The space whose top-level table is at physical `root`. */
  constructor(readonly memory: PhysicalMemory, readonly mmu: MMU, readonly root: number, options: VirtualMemoryOptions = {}) {
    this.user = options.user ?? true;
    this.log = options.log ?? null;
    this.onFault = options.onFault ?? null;
  }

  /** Physical address of `virt` for this access, or a negative fault (after the handler had its try). */
  translate(virt: number, kind: AccessKind, operation = 'translate', size = 1): number {
    if (this.mmu.root() !== this.root) this.mmu.load(this.root);
    let phys = (virt >>> 0) === virt ? this.mmu.translate(virt, kind, this.user) : Fault;
    if (phys < 0 && phys !== Fault && this.onFault?.(virt, kind, phys)) phys = this.mmu.translate(virt, kind, this.user);
    if (phys >= 0) return phys;
    this.counters.faults++;
    this.lastFault = { operation, address: virt, size, fault: phys };
    this.log?.push({ type: 'pagefault', root: this.root, virt, access: kind, fault: phys });
    return phys;
  }

  read8(address: number): number {
    return this.readWord(address, 1, 'read8');
  }

  read16(address: number): number {
    return this.readWord(address, 2, 'read16');
  }

  read32(address: number): number {
    return this.readWord(address, 4, 'read32');
  }

  write8(address: number, value: number): number {
    return this.writeWord(address, value, 1, 'write8');
  }

  write16(address: number, value: number): number {
    return this.writeWord(address, value, 2, 'write16');
  }

  write32(address: number, value: number): number {
    return this.writeWord(address, value, 4, 'write32');
  }

  read(address: number, size: number): Uint8Array | Fault {
    this.counters.reads++;
    const out = new Uint8Array(size);
    const ok = this.eachPage(address, size, 'read', 'read', (phys, length, done) => {
      const part = this.memory.read(phys, length);
      if (part === Fault) return false;
      out.set(part, done);
      return true;
    });
    if (!ok) return Fault;
    this.counters.bytesRead += size;
    return out;
  }

  write(address: number, bytes: Uint8Array): number {
    this.counters.writes++;
    const ok = this.eachPage(address, bytes.length, 'write', 'write',
      (phys, length, done) => this.memory.write(phys, bytes.subarray(done, done + length)) !== Fault);
    if (!ok) return Fault;
    this.counters.bytesWritten += bytes.length;
    return bytes.length;
  }

  fill(address: number, value: number, size: number): number {
    this.counters.writes++;
    const ok = this.eachPage(address, size, 'write', 'fill', (phys, length) => this.memory.fill(phys, value, length) !== Fault);
    if (!ok) return Fault;
    this.counters.bytesWritten += size;
    return size;
  }

  copy(destination: number, source: number, size: number): number {
    const bytes = this.read(source, size);
    return bytes === Fault ? Fault : this.write(destination, bytes);
  }

  compare(a: number, b: number, size: number): boolean | Fault {
    const left = this.read(a, size);
    const right = left === Fault ? Fault : this.read(b, size);
    if (left === Fault || right === Fault) return Fault;
    return left.every((byte, i) => byte === right[i]);
  }

  /** A little-endian value of `size` bytes, page by page when it straddles two pages. */
  private readWord(address: number, size: number, operation: string): number {
    this.counters.reads++;
    if ((address & 4095) + size <= 4096) {
      const phys = this.translate(address, 'read', operation, size);
      if (phys < 0) return Fault;
      this.counters.bytesRead += size;
      return size === 1 ? this.memory.read8(phys) : size === 2 ? this.memory.read16(phys) : this.memory.read32(phys);
    }
    let value = 0;
    for (let i = size - 1; i >= 0; i--) {
      const phys = this.translate(address + i, 'read', operation, size);
      if (phys < 0) return Fault;
      value = value * 256 + this.memory.read8(phys);
    }
    this.counters.bytesRead += size;
    return value;
  }

  private writeWord(address: number, value: number, size: number, operation: string): number {
    this.counters.writes++;
    if ((address & 4095) + size <= 4096) {
      const phys = this.translate(address, 'write', operation, size);
      if (phys < 0) return Fault;
      this.counters.bytesWritten += size;
      return size === 1 ? this.memory.write8(phys, value) : size === 2 ? this.memory.write16(phys, value) : this.memory.write32(phys, value);
    }
    const bytes: number[] = [];
    for (let i = 0; i < size; i++) {
      const phys = this.translate(address + i, 'write', operation, size);
      if (phys < 0) return Fault;
      bytes.push(phys);
    }
    bytes.forEach((phys, i) => this.memory.write8(phys, value >>> (8 * i)));
    this.counters.bytesWritten += size;
    return 0;
  }

  /** Translates each page of [address, address + size) first, then runs fn on each piece. */
  private eachPage(address: number, size: number, kind: AccessKind, operation: string,
    fn: (phys: number, length: number, done: number) => boolean): boolean {
    const pieces: [number, number, number][] = [];
    for (let done = 0; done < size;) {
      const virt = address + done;
      const length = Math.min(4096 - (virt & 4095), size - done);
      const phys = this.translate(virt, kind, operation, size);
      if (phys < 0) return false;
      pieces.push([phys, length, done]);
      done += length;
    }
    return pieces.every(([phys, length, done]) => fn(phys, length, done));
  }
}
