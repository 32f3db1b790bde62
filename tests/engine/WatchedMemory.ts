// WatchedMemory: a PhysicalMemory that records every write touching a byte outside a window,
// so a test can prove a bitmap's neighbours were never written.
import { PhysicalMemory } from '../../engine/index';

/** PhysicalMemory that records every write touching a byte outside [from, to). */
export class WatchedMemory extends PhysicalMemory {
  private window: { from: number; to: number } | null = null;
  readonly stray: string[] = [];

  watch(from: number, to: number): void {
    this.window = { from, to };
  }

  private note(operation: string, address: number, length: number): void {
    if (this.window && length > 0 && (address < this.window.from || address + length > this.window.to)) {
      this.stray.push(`${operation}(0x${address.toString(16)}, ${length} bytes)`);
    }
  }

  override write8(address: number, value: number): number {
    this.note('write8', address, 1);
    return super.write8(address, value);
  }

  override write16(address: number, value: number): number {
    this.note('write16', address, 2);
    return super.write16(address, value);
  }

  override write32(address: number, value: number): number {
    this.note('write32', address, 4);
    return super.write32(address, value);
  }

  override write(address: number, bytes: Uint8Array): number {
    this.note('write', address, bytes.length);
    return super.write(address, bytes);
  }

  override fill(address: number, value: number, size: number): number {
    this.note('fill', address, size);
    return super.fill(address, value, size);
  }
}
