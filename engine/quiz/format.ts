// format: the text pieces quiz prompts share: a bitmap drawn in groups of eight and counted nouns
// (hex numbers are engine/format's hex32).

/**
 * Two lines drawing a bitmap: a ruler with the first chunk of each group of eight, and the bits
 * ('#' used, '.' free), both indented by `indent`.
 */
export function drawBitmap(used: boolean[], indent = '  '): string[] {
  let ruler = `${indent}chunk   `;
  let bits = `${indent}bitmap  `;
  for (let group = 0; group < used.length; group += 8) {
    const slice = used.slice(group, group + 8).map((u) => (u ? '#' : '.')).join('');
    ruler += String(group).padEnd(9);
    bits += slice.padEnd(9);
  }
  return [ruler.trimEnd(), bits.trimEnd()];
}

/** "1 chunk", "3 chunks": a count and a noun, plural unless 1. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
